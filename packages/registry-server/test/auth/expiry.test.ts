import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { pushImage } from '../support/push.js'

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const basic = (u: string, p: string): string =>
  `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`
const sleepUntil = (t: number): Promise<void> =>
  new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())))

describe('expiry is exact', () => {
  let registry: LocalRegistry
  beforeAll(async () => {
    registry = await startLocalRegistry({ adminCredentials: ADMIN })
    await pushImage(registry.url, 'exp/app', 'v1', 'expiry', {
      authorization: basic(ADMIN.username, ADMIN.password),
    })
  })
  afterAll(() => registry.close())

  const head = (authorization: string): Promise<number> =>
    fetch(`${registry.url}/v2/exp/app/manifests/v1`, {
      method: 'HEAD',
      headers: { authorization },
    }).then((r) => r.status)

  // Margins of 2 s or more between a step and the expiry it must precede: a loaded CI machine
  // can stall a test for a second, and an exact-expiry check must not turn into a coin toss.
  it('a credential with a 3 s TTL works at 1 s and is refused just after it expires', async () => {
    const start = Date.now()
    const cred = await registry.generateCredentials('exp/app', 'pull', 3)
    expect(cred.expiresAt.getTime() - start).toBeGreaterThanOrEqual(2990)
    expect(cred.expiresAt.getTime() - start).toBeLessThanOrEqual(3100)
    await sleepUntil(start + 1000)
    expect(await head(basic(cred.username, cred.password))).toBe(200)
    await sleepUntil(cred.expiresAt.getTime() + 100)
    expect(await head(basic(cred.username, cred.password))).toBe(401)
  }, 10_000)

  it('revoking a credential that has expired counts 0, by username and by repository', async () => {
    const repository = `exp/gone-${randomBytes(3).toString('hex')}`
    const expired = await registry.generateCredentials(repository, 'pull', 1)
    await sleepUntil(expired.expiresAt.getTime() + 100)
    expect(await registry.revokeCredentials({ username: expired.username })).toBe(0)
    const again = await registry.generateCredentials(repository, 'pull', 1)
    const live = await registry.generateCredentials(repository, 'push-pull', 300)
    await sleepUntil(again.expiresAt.getTime() + 100)
    expect(await registry.revokeCredentials({ repository })).toBe(1)
    const token = await fetch(
      `${registry.url}/token?service=artifact-registry&scope=repository:${repository}:pull`,
      { headers: { authorization: basic(live.username, live.password) } },
    )
    expect(token.status).toBe(401)
  }, 10_000)

  it('a token issued shortly before the credential expires does not outlive it', async () => {
    // JWT times are whole seconds, rounded down: the token may end up to 1 s before the
    // credential, so asking 3 s before expiry leaves the checks below 2 s of margin.
    const cred = await registry.generateCredentials('exp/app', 'pull', 5)
    await sleepUntil(cred.expiresAt.getTime() - 3000)
    const asked = Date.now()
    const res = await fetch(
      `${registry.url}/token?service=artifact-registry&scope=repository:exp/app:pull`,
      {
        headers: { authorization: basic(cred.username, cred.password) },
      },
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as { token: string; expires_in: number }
    const claims = JSON.parse(
      Buffer.from(body.token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    )
    // The token's lifetime (300 s by default) is cut to what is left of the credential.
    expect(claims.exp * 1000).toBeLessThanOrEqual(cred.expiresAt.getTime())
    expect(body.expires_in).toBeLessThanOrEqual(
      Math.ceil((cred.expiresAt.getTime() - asked) / 1000),
    )
    expect(await head(`Bearer ${body.token}`)).toBe(200)
    await sleepUntil(cred.expiresAt.getTime() + 50)
    expect(await head(`Bearer ${body.token}`)).toBe(401)
    // And the expired credential can get no new token.
    const again = await fetch(
      `${registry.url}/token?service=artifact-registry&scope=repository:exp/app:pull`,
      {
        headers: { authorization: basic(cred.username, cred.password) },
      },
    )
    expect(again.status).toBe(401)
  }, 10_000)

  it('a token asked for in the last fraction of a second before expiry: 401 with a challenge', async () => {
    // JWT times are whole seconds: from the last whole second before the credential's expiry
    // (in ms) on, its token would already be over, so the realm refuses it. A 401 must still say
    // how to authenticate, as every other 401 of the realm does (HTTP requires a challenge on a 401).
    // Minted half way through a second, its expiry leaves half a second to ask in.
    const now = Date.now()
    if (now % 1000 < 450) await sleepUntil(now - (now % 1000) + 500)
    const cred = await registry.generateCredentials('exp/app', 'pull', 2)
    expect(cred.expiresAt.getTime() % 1000).toBeGreaterThanOrEqual(400)
    await sleepUntil(Math.floor(cred.expiresAt.getTime() / 1000) * 1000 + 100)
    const res = await fetch(
      `${registry.url}/token?service=artifact-registry&scope=repository:exp/app:pull`,
      { headers: { authorization: basic(cred.username, cred.password) } },
    )
    await res.body?.cancel()
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="artifact-registry"')
  }, 10_000)

  it('credentials survive a restart on the same data directory and nothing secret is stored', async () => {
    const { mkdtemp, readFile, readdir, rm } = await import('node:fs/promises')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const dir = await mkdtemp(join(tmpdir(), 'registry-creds-'))
    try {
      let restarted = await startLocalRegistry({ dataDir: dir, adminCredentials: ADMIN })
      await pushImage(restarted.url, 'keep/app', 'v1', 'restart', {
        authorization: basic(ADMIN.username, ADMIN.password),
      })
      const cred = await restarted.generateCredentials('keep/app', 'push-pull', 600)
      await restarted.close()
      for (const file of await readdir(join(dir, 'auth'))) {
        expect(await readFile(join(dir, 'auth', file), 'utf8')).not.toContain(cred.password)
      }
      restarted = await startLocalRegistry({ dataDir: dir, adminCredentials: ADMIN })
      const res = await fetch(`${restarted.url}/v2/keep/app/manifests/v1`, {
        method: 'HEAD',
        headers: { authorization: basic(cred.username, cred.password) },
      })
      expect(res.status).toBe(200)
      await restarted.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
