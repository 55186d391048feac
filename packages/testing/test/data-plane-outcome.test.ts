import { describe, expect, it } from 'vitest'
import { expectNotFound, expectRefused } from '../src/suites/data-plane-outcome.js'
import { SkopeoFailure } from '../src/suites/data-plane-skopeo.js'

const t = { expect, skip: () => undefined }
const failing = (output: string) => Promise.reject(new SkopeoFailure('copy', 'exit 1', output))

// skopeo's last line as our registry, ECR-, GAR- and ACR-style registries word it.
const REFUSALS = [
  'initiating layer upload to /v2/a/blobs/uploads/ in 127.0.0.1:5000: denied: requested access to the resource is denied',
  'reading manifest v1 in 127.0.0.1:5000/a: unauthorized: authentication required',
  'unable to retrieve auth token: invalid username/password: unauthorized: credentials are expired',
  'failed to read from destination repository b: 403 (Forbidden)',
  'Failed to delete /v2/a/manifests/sha256:0: {"errors":[{"code":"DENIED"}]} (403 Forbidden)',
  'reading manifest v1 in 127.0.0.1:5000/a: received unexpected HTTP status: 401 Unauthorized',
]
const NOT_REFUSALS = [
  'reading manifest v1 in 127.0.0.1:5000/a: manifest unknown: manifest unknown',
  'pinging container registry 127.0.0.1:5000: Get "https://127.0.0.1:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused',
  'x509: certificate signed by unknown authority',
  'open /home/ci/.config/containers/auth.json: permission denied',
]

describe('how the data plane group reads skopeo’s failures', () => {
  it.each(REFUSALS)('a refusal: %s', async (output) => {
    await expectRefused(t, failing(output), 'the operation')
  })

  it.each(NOT_REFUSALS)('not a refusal: %s', async (output) => {
    await expect(expectRefused(t, failing(output), 'the operation')).rejects.toThrow(
      /must refuse the credentials/,
    )
  })

  it('a missing manifest is not found; a refusal or a TLS failure is not', async () => {
    await expectNotFound(t, failing(NOT_REFUSALS[0] as string), 'the pull')
    for (const output of [...REFUSALS, NOT_REFUSALS[2] as string]) {
      await expect(expectNotFound(t, failing(output), 'the pull')).rejects.toThrow()
    }
  })

  it('an operation that succeeds fails the check, and other errors pass through', async () => {
    await expect(expectRefused(t, Promise.resolve(), 'the push')).rejects.toThrow(
      'the push succeeded, but it must fail',
    )
    const crash = new Error('spawn EACCES')
    await expect(expectRefused(t, Promise.reject(crash), 'the push')).rejects.toBe(crash)
  })
})
