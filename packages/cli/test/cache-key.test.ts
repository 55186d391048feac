import { describe, expect, it } from 'vitest'
import { cacheFileName, hostFilePrefix } from '../src/credential-helper/cache-key.js'

// The credential helper's cache file name is keyed by every variable that may choose the identity
// credentials are minted for: two runs that differ in one never share cached credentials.

const HOST = 'registry.example.test'
const BASE = {
  host: HOST,
  entry: { binding: 'app', repository: 'artifacts/app', permission: 'pull' as const },
  binding: '{"platform":"local"}',
  env: { HOME: '/home/ci', LANG: 'C' },
}

describe('cacheFileName', () => {
  it.each([
    ['GCE_METADATA_HOST', '169.254.169.254:8080'],
    ['GCE_METADATA_IP', '10.0.0.2'],
    ['METADATA_SERVER_DETECTION', 'assume-present'],
    ['AWS_PROFILE', 'ci'],
    ['IDENTITY_ENDPOINT', 'http://localhost:42356/msi/token'],
    ['HOME', '/home/other'],
    // Every prefix and every variable outside them: one left out of the lists would let a run
    // with another Azure login (ARM_ is Terraform's), project or managed identity reuse the cache.
    ['ARM_CLIENT_ID', '00000000-0000-0000-0000-000000000002'],
    ['AZURE_CLIENT_ID', '00000000-0000-0000-0000-000000000001'],
    ['GOOGLE_APPLICATION_CREDENTIALS', '/home/ci/sa.json'],
    ['GCLOUD_PROJECT', 'other-project'],
    ['GCP_PROJECT', 'other-project'],
    ['CLOUDSDK_CONFIG', '/home/ci/gcloud-b'],
    ['IDENTITY_HEADER', 'another-header'],
    ['IMDS_ENDPOINT', 'http://169.254.169.254'],
    ['MSI_ENDPOINT', 'http://127.0.0.1:41741/msi/token'],
    ['MSI_SECRET', 'another-secret'],
  ])('changes with %s', (name, value) => {
    const changed = cacheFileName({ ...BASE, env: { ...BASE.env, [name]: value } })
    expect(changed).not.toBe(cacheFileName(BASE))
    expect(changed.startsWith(hostFilePrefix(HOST))).toBe(true)
  })

  it('is the same for a variable that chooses no identity, and reveals no value', () => {
    const name = cacheFileName(BASE)
    expect(cacheFileName({ ...BASE, env: { ...BASE.env, LANG: 'de_DE.UTF-8' } })).toBe(name)
    expect(name).toMatch(/^[0-9a-f]{16}-[0-9a-f]{32}\.json$/)
  })
})
