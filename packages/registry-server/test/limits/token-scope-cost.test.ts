import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type LocalRegistry,
  type MintedCredential,
  startLocalRegistry,
  startTokenService,
  type TokenService,
} from '../../src/index.js'

// The token realm reads the scopes of any caller with a credential, a pull credential for one
// repository included. Taking a scope's resource class off (`repository(plugin)`) once cost time
// quadratic in the scope's length: a form of 60,000 `(` held the event loop, and every other
// client, for seconds.

const admin = { username: 'admin', password: 'scope-cost-admin-password' }

let registry: LocalRegistry
let tokens: TokenService
const credentials = new Map<string, MintedCredential>()
beforeAll(async () => {
  registry = await startLocalRegistry({ adminCredentials: admin, logLevel: 'silent' })
  tokens = await startTokenService({ admin, logLevel: 'silent' })
  for (const server of [registry, tokens]) {
    credentials.set(server.url, await server.generateCredentials('scope-cost/app', 'pull', 600))
  }
})
afterAll(async () => {
  await registry.close()
  await tokens.close()
})

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}

/** The token realm's answer to a POST of `scope`, as the admin or the minted credential. */
async function postScope(
  url: string,
  scope: string,
  user: { username: string; password: string },
): Promise<{ status: number; access: unknown; ms: number }> {
  const started = performance.now()
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    // Written out by hand: URLSearchParams would send each `(` as `%28`, three bytes where a
    // form may hold one, and the body is capped at 64 KiB.
    body: `${new URLSearchParams({ grant_type: 'password', username: user.username, password: user.password })}&scope=${scope}`,
  })
  const body = (await response.json()) as { token?: string }
  const ms = performance.now() - started
  const access = body.token === undefined ? undefined : decodeJwt(body.token).access
  return { status: response.status, access, ms }
}

describe.each([
  ['the registry', () => registry.url],
  ['the standalone token service', () => tokens.url],
])('the token realm of %s', (_, urlOf) => {
  const credential = (): MintedCredential => credentials.get(urlOf()) as MintedCredential

  it('reads a scope of 60,000 parentheses at once, holding no other client up', async () => {
    const scope = `${'('.repeat(60_000)}:scope-cost/app:pull`
    const hostile = postScope(urlOf(), scope, credential())
    // Sent right behind it: answered only once the event loop is free again.
    const started = performance.now()
    const version = await fetch(`${urlOf()}/token`, {
      headers: { authorization: basic(admin.username, admin.password) },
    })
    const otherMs = performance.now() - started
    expect(version.status).toBe(200)
    const answer = await hostile
    expect(answer.status).toBe(200)
    expect(answer.access).toEqual([])
    expect(answer.ms).toBeLessThan(1000)
    expect(otherMs).toBeLessThan(1000)
  })

  it("still takes a resource class off a scope's type", async () => {
    const answer = await postScope(urlOf(), 'repository(plugin):scope-cost/app:pull', credential())
    expect(answer.status).toBe(200)
    expect(answer.access).toEqual([
      { type: 'repository', name: 'scope-cost/app', actions: ['pull'] },
    ])
  })
})
