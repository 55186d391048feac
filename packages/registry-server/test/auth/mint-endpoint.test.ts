import { randomBytes } from 'node:crypto'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type LocalRegistry,
  startLocalRegistry,
  startTokenService,
  type TokenService,
} from '../../src/index.js'

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const SEVEN_DAYS = 7 * 24 * 3600

/** `POST /_artifact-registry/credentials` with `body`, sent with `authorization` when given. */
async function mintOverHttp(
  url: string,
  body: unknown,
  authorization?: string,
): Promise<{ status: number; body: string }> {
  const res = await fetch(`${url}/_artifact-registry/credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: await res.text() }
}

// A minted credential is for one repository and one permission: were it let through here, it
// could mint itself push-pull, on any repository, for a week.
describe.each([
  ['the registry', () => startLocalRegistry({ adminCredentials: ADMIN })],
  ['the token service', () => startTokenService({ admin: ADMIN })],
])('minting over HTTP on %s is for the admin only', (_, start) => {
  let server: LocalRegistry | TokenService
  beforeAll(async () => {
    server = await start()
  })
  afterAll(() => server.close())

  it('refuses a minted credential with 403, whatever it asks for', async () => {
    for (const permission of ['pull', 'push-pull'] as const) {
      const minted = await server.generateCredentials('team/app', permission, 300)
      const authorization = basicAuth(minted.username, minted.password)
      for (const [repository, asked] of [
        ['team/app', 'push-pull'],
        ['team/app', 'pull'],
        ['other/app', 'pull'],
      ]) {
        const body = { repository, permission: asked, ttlSeconds: 60 }
        const answer = await mintOverHttp(server.url, body, authorization)
        expect(answer.status, `${permission} credential minting ${asked} on ${repository}`).toBe(
          403,
        )
        expect(answer.body).not.toContain('password')
      }
    }
  })

  it('refuses no credentials with 401, and mints for the admin (control)', async () => {
    const body = { repository: 'team/app', permission: 'pull', ttlSeconds: 60 }
    expect((await mintOverHttp(server.url, body)).status).toBe(401)
    const admin = basicAuth(ADMIN.username, ADMIN.password)
    expect((await mintOverHttp(server.url, body, admin)).status).toBe(201)
  })
})

// Minting over HTTP is "the same way" as generateCredentials: a TTL the call refuses, or one the
// body misspells, must not become a credential that lives longer than its caller asked.
describe.each([
  ['the registry', () => startLocalRegistry({ adminCredentials: ADMIN })],
  ['the token service', () => startTokenService({ admin: ADMIN })],
])('the mint endpoint of %s takes only what generateCredentials takes', (_, start) => {
  let server: LocalRegistry | TokenService
  beforeAll(async () => {
    server = await start()
  })
  afterAll(() => server.close())

  const mint = (body: unknown) =>
    mintOverHttp(server.url, body, basicAuth(ADMIN.username, ADMIN.password))

  it.each([
    ['a misspelt ttlSeconds', { repository: 'team/app', permission: 'pull', ttl: 60 }],
    ['a snake-case ttl', { repository: 'team/app', permission: 'pull', ttl_seconds: 60 }],
    ['an unknown field', { repository: 'team/app', permission: 'pull', ttlSeconds: 60, x: 1 }],
  ])('refuses %s with 400, minting nothing', async (_what, body) => {
    const answer = await mint(body)
    expect(answer.status, answer.body).toBe(400)
    expect(answer.body).not.toContain('password')
  })

  it('refuses a TTL past 7 days with 400, as generateCredentials does, not a week-long credential', async () => {
    await expect(server.generateCredentials('team/app', 'pull', SEVEN_DAYS + 1)).rejects.toThrow(
      TypeError,
    )
    const answer = await mint({
      repository: 'team/app',
      permission: 'pull',
      ttlSeconds: 30 * 86400,
    })
    expect(answer.status, answer.body).toBe(400)
    expect(answer.body).toMatch(/ttlSeconds/)
  })

  it('mints exactly the TTL asked, and the documented default without one (control)', async () => {
    const before = Date.now()
    const asked = await mint({ repository: 'team/app', permission: 'pull', ttlSeconds: 60 })
    expect(asked.status).toBe(201)
    const lifetime = Date.parse(JSON.parse(asked.body).expiresAt) - before
    expect(lifetime).toBeGreaterThan(59_000)
    expect(lifetime).toBeLessThanOrEqual(61_000)
    const plain = await mint({ repository: 'team/app', permission: 'pull' })
    expect(plain.status).toBe(201)
  })
})
