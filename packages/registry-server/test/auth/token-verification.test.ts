import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { loadSigningKeys, type SigningKeys } from '../../src/token-service/signing-keys.js'
import { TokenIssuer } from '../../src/token-service/token-issuer.js'

// One signing key may serve several registries (a data directory copied, a token service shared):
// what tells their tokens apart is the audience and the issuer, checked on every verification.
// And a token verified once is remembered: the memory must not outlast the token.

const ACCESS = [{ type: 'repository' as const, name: 'verify/app', actions: ['pull' as const] }]
const OPTIONS = { issuer: 'token-service-a', service: 'registry-a', ttlSeconds: 300 }

describe('TokenIssuer.verify', () => {
  let keys: SigningKeys
  beforeAll(async () => {
    keys = await loadSigningKeys(undefined)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('accepts its own token', async () => {
    const issuer = new TokenIssuer(keys, OPTIONS)
    const { token } = await issuer.issue('cred-a', ACCESS)
    expect(await issuer.verify(token)).toMatchObject({ subject: 'cred-a', access: ACCESS })
  })

  it('refuses a token for another service signed with the same key', async () => {
    const other = new TokenIssuer(keys, { ...OPTIONS, service: 'registry-b' })
    const { token } = await other.issue('cred-a', ACCESS)
    expect(await new TokenIssuer(keys, OPTIONS).verify(token)).toBeUndefined()
  })

  it('refuses a token from another issuer signed with the same key', async () => {
    const other = new TokenIssuer(keys, { ...OPTIONS, issuer: 'token-service-b' })
    const { token } = await other.issue('cred-a', ACCESS)
    expect(await new TokenIssuer(keys, OPTIONS).verify(token)).toBeUndefined()
  })

  it('refuses a remembered token once it has expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const issuer = new TokenIssuer(keys, OPTIONS)
    const issued = await issuer.issue('cred-a', ACCESS)
    const verified = await issuer.verify(issued.token)
    expect(verified?.expiresAt).toEqual(issued.expiresAt)
    vi.setSystemTime(issued.expiresAt.getTime() - 1)
    expect(await issuer.verify(issued.token)).toBeDefined()
    vi.setSystemTime(issued.expiresAt)
    expect(await issuer.verify(issued.token)).toBeUndefined()
  })
})
