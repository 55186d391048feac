import { randomBytes } from 'node:crypto'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'
import { countingProxy } from '../support/counting-proxy.js'

// A `url` whose credential endpoints answer success without our answer's fields (a server that
// is not ours, a proxy that rewrites bodies): a mint's 201 gave credentials of `undefined`
// expiring at an invalid date, and a revocation's 200 a count of `undefined`, taken for done.

const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
const malformed = (what: string) =>
  expect.objectContaining({
    code: 'INVALID_CONFIG',
    message: expect.stringMatching(
      new RegExp(`^\\[provider-local\\] ${what}: http://127\\.0\\.0\\.1:\\d+ answered without`),
    ),
  })

describe('credential endpoints that answer success without a credential or a count', () => {
  it('a mint answered 201 and a revocation answered 200 without their fields are INVALID_CONFIG', async () => {
    // Served for the proxy's public name, so the provider mints through the proxy.
    await using registry = await startLocalRegistry({
      adminCredentials: admin,
      publicUrl: 'https://registry.example.test',
      logLevel: 'silent',
    })
    await using proxy = await countingProxy(registry.url, {
      answer: (method, path) =>
        method !== 'POST'
          ? undefined
          : path === '/_artifact-registry/credentials'
            ? 201
            : path === '/_artifact-registry/credentials/revoke'
              ? 200
              : undefined,
    })
    await using provider = await local({ url: proxy.url, adminCredentials: admin })
    const { name } = await provider.createRepository('app')

    const [minted, revoked] = await Promise.allSettled([
      provider.generateCredentials(name, 'pull'),
      provider.revokeCredentials({ repository: name }),
    ])
    expect(minted).toEqual({ status: 'rejected', reason: malformed('minting credentials') })
    expect(revoked).toEqual({ status: 'rejected', reason: malformed('revoking credentials') })
  })
})
