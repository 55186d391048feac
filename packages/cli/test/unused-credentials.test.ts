import type { ArtifactRegistry, ArtifactRegistryCredentials } from '@artifact-registry/core'
import { describe, expect, it } from 'vitest'
import { ClientLoginError } from '../src/client-login.js'
import { retireUnusedCredentials } from '../src/unused-credentials.js'

// The revocation's own failures, which a real registry does not produce on demand: the rest of
// this behaviour is tested end to end in login.test.ts and aws-fake.test.ts.
const credentials: ArtifactRegistryCredentials = {
  registry: '127.0.0.1:5000',
  username: 'cred-0123',
  password: 'not-a-real-password',
  authMethod: 'basic',
  expiresAt: new Date('2030-01-02T03:04:05.000Z'),
}
const refused = new ClientLoginError('docker login to 127.0.0.1:5000 failed (exit 1): denied')

const rewrap = (message: string, cause: { cause: unknown }) => new ClientLoginError(message, cause)

function registryWith(platform: string, revokeCredentials: (which: unknown) => Promise<unknown>) {
  return { platform, revokeCredentials } as unknown as ArtifactRegistry
}

describe('retireUnusedCredentials', () => {
  it('a revocation that fails says the credentials may stay valid, and why', async () => {
    const registry = registryWith('local', () => Promise.reject(new Error('connection reset')))
    const error = await retireUnusedCredentials(registry, credentials, refused, rewrap)
    expect(error.message).toBe(
      `${refused.message}\nrevoking the credentials minted for it (cred-0123) failed, so they may stay valid until 2030-01-02T03:04:05.000Z: connection reset`,
    )
    expect(error.message).not.toContain(credentials.password)
  })

  it('a revocation that finds nothing says so', async () => {
    const asked: unknown[] = []
    const registry = registryWith('local', async (which) => {
      asked.push(which)
      return 0
    })
    const error = await retireUnusedCredentials(registry, credentials, refused, rewrap)
    expect(asked).toEqual([{ username: 'cred-0123' }])
    expect(error.message).toContain('(cred-0123) were already expired or revoked')
  })

  it('never revokes by username on another platform, where a username is shared', async () => {
    const asked: unknown[] = []
    const registry = registryWith('aws', async (which) => asked.push(which))
    const error = await retireUnusedCredentials(registry, credentials, refused, rewrap)
    expect(asked).toEqual([])
    expect(error.message).toContain('stay valid until 2030-01-02T03:04:05.000Z')
  })
})
