import { randomBytes } from 'node:crypto'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { startTokenService, type TokenService } from '../../src/index.js'
import { TokenIssuer } from '../../src/token-service/token-issuer.js'
import { requestToken } from '../support/tokens.js'

// registry:2 verifies our tokens on its own: a token the service hands out after a revocation is
// honoured there until it expires. Signing takes a turn of the thread pool (WebCrypto), so a
// revocation can land between the credential's check and the token's answer.

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const REPO = 'signing/app'

let tokens: TokenService
beforeAll(async () => {
  tokens = await startTokenService({ admin: ADMIN })
})
afterAll(() => tokens.close())

it('a credential revoked while its token is being signed gets no token (401)', async () => {
  const cred = await tokens.generateCredentials(REPO, 'pull', 300)
  let reached: () => void = () => {}
  const atSigning = new Promise<void>((resolve) => {
    reached = resolve
  })
  let revoked: () => void = () => {}
  const revocation = new Promise<void>((resolve) => {
    revoked = resolve
  })
  const original = TokenIssuer.prototype.issue
  const held = vi.spyOn(TokenIssuer.prototype, 'issue').mockImplementation(async function (
    this: TokenIssuer,
    ...args
  ) {
    const issued = await original.apply(this, args)
    reached()
    await revocation
    return issued
  })
  try {
    const answer = requestToken(
      tokens.realm,
      basicAuth(cred.username, cred.password),
      `repository:${REPO}:pull`,
    )
    await atSigning
    expect(await tokens.revokeCredentials({ username: cred.username })).toBe(1)
    revoked()
    // Before, the token was answered (200) after the revocation, and registry:2 took it.
    expect((await answer).status).toBe(401)
  } finally {
    held.mockRestore()
  }
})

it('a credential still held gets its token (200)', async () => {
  const cred = await tokens.generateCredentials(REPO, 'pull', 300)
  const answer = await requestToken(
    tokens.realm,
    basicAuth(cred.username, cred.password),
    `repository:${REPO}:pull`,
  )
  expect(answer.status).toBe(200)
})
