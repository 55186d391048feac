import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { ALLOWED_STATUS, OPERATIONS, REPOS, seed, type Target } from './matrix-fixture.js'

type Principal = 'pull' | 'push-pull' | 'admin'
type State = 'valid' | 'expired' | 'wrong secret' | 'tampered token'
type Transport = 'basic' | 'bearer'

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const basic = (u: string, p: string): string =>
  `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`

/** What each cell must answer (docs/design.md#refusals, docs/oci-distribution.md#auth). */
function expected(principal: Principal, target: Target, state: State, op: string): number {
  if (state !== 'valid') return 401
  const allowed = ALLOWED_STATUS[op] ?? 0
  if (principal === 'admin') return allowed
  if (op === '_catalog' || target !== 'own') return 403
  const reads = ['HEAD manifest', 'GET manifest', 'GET blob', 'tags/list']
  if (principal === 'pull') return reads.includes(op) ? allowed : 403
  // push-pull may mount only from repositories it can read: elsewhere the mount becomes an upload.
  return op === 'mount from another repository' ? 202 : allowed
}

/** The scope a client would ask the realm for, to do `op` on `repo`. */
function scopeFor(op: string, repo: string, mountFrom: string): string[] {
  if (op === '_catalog') return ['registry:catalog:*']
  if (op.startsWith('DELETE')) return [`repository:${repo}:delete`]
  if (['HEAD manifest', 'GET manifest', 'GET blob', 'tags/list'].includes(op))
    return [`repository:${repo}:pull`]
  const push = `repository:${repo}:pull,push`
  return op === 'mount from another repository' ? [push, `repository:${mountFrom}:pull`] : [push]
}

describe('scope matrix: every principal × repository × credential state × operation', () => {
  let registry: LocalRegistry
  let fixture: { blob: string; manifest: Buffer }
  const secrets = new Map<string, { username: string; password: string; expiresAt: Date }>()

  beforeAll(async () => {
    registry = await startLocalRegistry({ adminCredentials: ADMIN })
    fixture = await seed(registry, { authorization: basic(ADMIN.username, ADMIN.password) })
    for (const permission of ['pull', 'push-pull'] as const) {
      secrets.set(
        `${permission}/valid`,
        await registry.generateCredentials(REPOS.own, permission, 3600),
      )
      secrets.set(
        `${permission}/expired`,
        await registry.generateCredentials(REPOS.own, permission, 3),
      )
    }
    // Tokens for expired credentials must be fetched while the credential still lives.
    expiredTokens = await fetchExpiringTokens()
    const lastExpiry = Math.max(
      ...['pull', 'push-pull'].map((p) => secrets.get(`${p}/expired`)?.expiresAt.getTime() ?? 0),
    )
    await new Promise((r) => setTimeout(r, Math.max(0, lastExpiry - Date.now()) + 100))
  })
  afterAll(() => registry.close())

  let expiredTokens = new Map<string, string>()
  async function fetchExpiringTokens(): Promise<Map<string, string>> {
    const tokens = new Map<string, string>()
    for (const permission of ['pull', 'push-pull'] as const) {
      const cred = secrets.get(`${permission}/expired`)
      if (!cred) continue
      for (const target of Object.keys(REPOS) as Target[]) {
        for (const op of OPERATIONS) {
          const key = `${permission}/${target}/${op.name}`
          tokens.set(
            key,
            (await token(
              scopeFor(op.name, REPOS[target], REPOS.other),
              basic(cred.username, cred.password),
            )) ?? '',
          )
        }
      }
    }
    return tokens
  }

  async function token(scopes: string[], authorization: string): Promise<string | undefined> {
    const url = new URL(`${registry.url}/token`)
    url.searchParams.set('service', 'artifact-registry')
    for (const s of scopes) url.searchParams.append('scope', s)
    const res = await fetch(url, { headers: { authorization } })
    return res.status === 200 ? ((await res.json()) as { token: string }).token : undefined
  }

  function credentialsOf(
    principal: Principal,
    state: State,
  ): { username: string; password: string } {
    if (principal === 'admin')
      return state === 'wrong secret' ? { ...ADMIN, password: `${ADMIN.password}x` } : ADMIN
    const cred = secrets.get(`${principal}/${state === 'expired' ? 'expired' : 'valid'}`)
    if (!cred) throw new Error('fixture missing')
    return state === 'wrong secret' ? { ...cred, password: wrongSecret(cred.password) } : cred
  }

  async function authorization(
    principal: Principal,
    state: State,
    transport: Transport,
    target: Target,
    op: string,
  ): Promise<string> {
    const cred = credentialsOf(principal, state)
    const viaBasic = basic(cred.username, cred.password)
    if (transport === 'basic') return viaBasic
    const scopes = scopeFor(op, REPOS[target], REPOS.other)
    if (state === 'expired')
      return `Bearer ${expiredTokens.get(`${principal}/${target}/${op}`) ?? ''}`
    const issued = await token(scopes, viaBasic)
    if (state === 'tampered token') return `Bearer ${tamper(issued ?? '', REPOS[target])}`
    // A wrong secret gets no token at all; the client then sends none.
    return issued ? `Bearer ${issued}` : ''
  }

  const cells: [Principal, State, Transport][] = []
  for (const principal of ['pull', 'push-pull', 'admin'] as Principal[]) {
    for (const transport of ['basic', 'bearer'] as Transport[]) {
      const states: State[] = ['valid', 'wrong secret']
      if (principal !== 'admin') states.push('expired')
      if (transport === 'bearer') states.push('tampered token')
      for (const state of states) cells.push([principal, state, transport])
    }
  }

  it.each(cells)(
    '%s credential, %s, over %s: every repository and operation answers exactly',
    async (principal, state, transport) => {
      const mismatches: string[] = []
      let checked = 0
      for (const target of Object.keys(REPOS) as Target[]) {
        for (const op of OPERATIONS) {
          const upload = await adminUpload(REPOS[target])
          const req = op.request({
            repo: REPOS[target],
            upload,
            blob: fixture.blob,
            manifest: fixture.manifest,
            mountFrom: REPOS.other,
          })
          const auth = await authorization(principal, state, transport, target, op.name)
          const res = await fetch(`${registry.url}${req.path}`, {
            method: req.method,
            ...(req.body && { body: req.body }),
            headers: { ...req.headers, ...(auth && { authorization: auth }) },
          })
          await res.arrayBuffer()
          checked += 1
          const want = expected(principal, target, state, op.name)
          if (res.status !== want)
            mismatches.push(`${target} ${op.name}: expected ${want}, got ${res.status}`)
          if (res.status === 401 && !res.headers.get('www-authenticate'))
            mismatches.push(`${target} ${op.name}: 401 without a challenge`)
        }
      }
      expect(checked).toBe(Object.keys(REPOS).length * OPERATIONS.length)
      expect(mismatches).toEqual([])
    },
    60_000,
  )

  async function adminUpload(repo: string): Promise<string> {
    const res = await fetch(`${registry.url}/v2/${repo}/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: basic(ADMIN.username, ADMIN.password) },
    })
    return res.headers.get('docker-upload-uuid') ?? ''
  }
})

/** The secret with its last character changed (never to itself). */
function wrongSecret(secret: string): string {
  return `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`
}

/** Rewrite a token's payload to claim everything on `repo`, keeping the original signature. */
function tamper(token: string, repo: string): string {
  const [header, payload, signature] = token.split('.')
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'))
  claims.access = [
    { type: 'repository', name: repo, actions: ['pull', 'push', 'delete'] },
    { type: 'registry', name: 'catalog', actions: ['*'] },
  ]
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.')
}
