import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CredentialMinter } from '../../src/auth/credential-store.js'
import { startLocalRegistry, startTokenService } from '../../src/index.js'

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const basic = (u: string, p: string): string =>
  `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`
const WEEK = 7 * 24 * 3600

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mint-arguments-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

// Called from JavaScript, nothing but these checks stops a misspelt permission (which once gave
// push-pull) or a NaN TTL (which once never expired).
const REFUSED: [string, unknown[], RegExp][] = [
  ['a permission that is not pull or push-pull', ['ok/app', 'readonly', 60], /permission must/],
  ['a permission in other case', ['ok/app', 'PULL', 60], /permission must/],
  ['no permission', ['ok/app', undefined, 60], /permission must/],
  ['a TTL that is NaN', ['ok/app', 'pull', Number.NaN], /ttlSeconds must be a positive/],
  ['an infinite TTL', ['ok/app', 'pull', Number.POSITIVE_INFINITY], /ttlSeconds must be a pos/],
  ['a TTL of 0', ['ok/app', 'pull', 0], /ttlSeconds must be a positive/],
  ['a fractional TTL', ['ok/app', 'pull', 1.5], /ttlSeconds must be a positive/],
  ['a TTL given as a string', ['ok/app', 'pull', '60'], /ttlSeconds must be a positive/],
  ['a TTL beyond 7 days', ['ok/app', 'pull', WEEK + 1], /at most 604800/],
  ['an empty repository name', ['', 'pull', 60], /not a repository name/],
  ['an upper-case repository name', ['Ok/App', 'pull', 60], /not a repository name/],
  ['a repository name with ..', ['../x', 'pull', 60], /not a repository name/],
]

describe.each([
  ['startLocalRegistry', () => startLocalRegistry({ adminCredentials: ADMIN })],
  ['startTokenService', () => startTokenService({ admin: ADMIN })],
])('%s().generateCredentials checks its arguments', (_, start) => {
  it.each(REFUSED)('refuses %s with a TypeError', async (__, args, message) => {
    await using minter = (await start()) as CredentialMinter & AsyncDisposable
    const mint = minter.generateCredentials as (...a: unknown[]) => Promise<unknown>
    const error = await mint(...args).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect((error as Error).message).toMatch(message)
  })

  it('mints for exactly 7 days, the longest allowed', async () => {
    await using minter = (await start()) as CredentialMinter & AsyncDisposable
    const before = Date.now()
    const minted = await minter.generateCredentials('ok/app', 'pull', WEEK)
    expect(minted.expiresAt.getTime() - before).toBeGreaterThanOrEqual(WEEK * 1000)
    expect(minted.expiresAt.getTime() - before).toBeLessThan(WEEK * 1000 + 5000)
  })
})

describe('a credentials file edited by hand', () => {
  it('grants nothing to a record whose permission or expiry is not one the registry writes', async () => {
    const dataDir = join(dir, 'data')
    const admin = basic(ADMIN.username, ADMIN.password)
    const first = await startLocalRegistry({ dataDir, adminCredentials: ADMIN })
    const oddPermission = await first.generateCredentials('edit/app', 'pull', 600)
    const oddExpiry = await first.generateCredentials('edit/app', 'pull', 600)
    await first.close()

    // The file as an editor would leave it: the credentials in the file's first form (a map by
    // id, no log), one with a permission and one with an expiry the registry never writes.
    const record = (minted: { password: string }, edits: Record<string, unknown>) => ({
      repository: 'edit/app',
      permission: 'pull',
      expiresAt: Date.now() + 600_000,
      secretHash: createHash('sha256').update(minted.password).digest('hex'),
      ...edits,
    })
    const records = {
      [oddPermission.username.slice('cred-'.length)]: record(oddPermission, {
        permission: 'admin',
      }),
      [oddExpiry.username.slice('cred-'.length)]: record(oddExpiry, { expiresAt: 'never' }),
    }
    await writeFile(join(dataDir, 'auth', 'credentials.json'), JSON.stringify(records))
    await rm(join(dataDir, 'auth', 'credentials.log'), { force: true })

    await using registry = await startLocalRegistry({ dataDir, adminCredentials: ADMIN })
    const tag = (authorization: string, method = 'GET'): Promise<number> =>
      fetch(`${registry.url}/v2/edit/app/tags/list`, { method, headers: { authorization } }).then(
        async (res) => {
          await res.arrayBuffer()
          return res.status
        },
      )
    // The admin reaches the repository (404: nothing pushed), so the refusals below are the
    // credentials' own.
    expect(await tag(admin)).toBe(404)
    expect(await tag(basic(oddPermission.username, oddPermission.password))).toBe(403)
    expect(await tag(basic(oddExpiry.username, oddExpiry.password))).toBe(401)
  })
})

describe('tokenTtlSeconds is checked when the server starts', () => {
  it.each([[Number.NaN], [0], [1.5], [86_401], ['300']])(
    'refuses %s with a TypeError',
    async (ttl) => {
      const tokenService = { tokenTtlSeconds: ttl as number }
      await expect(startLocalRegistry({ adminCredentials: ADMIN, tokenService })).rejects.toThrow(
        /tokenTtlSeconds must be a whole number from 1 to 86400/,
      )
      await expect(
        startTokenService({ admin: ADMIN, tokenTtlSeconds: ttl as number }),
      ).rejects.toThrow(TypeError)
    },
  )
})

describe('the token service and issuer names are checked when the server starts', () => {
  it.each([
    ['service', 42],
    ['service', ''],
    ['issuer', null],
    ['issuer', '  '],
  ])('refuses %s %j with a TypeError', async (field, value) => {
    const names = { [field]: value } as { service?: string; issuer?: string }
    await expect(
      startLocalRegistry({ adminCredentials: ADMIN, tokenService: names }),
    ).rejects.toThrow(new RegExp(`${field} must be a non-empty string`))
    await expect(startTokenService({ admin: ADMIN, ...names })).rejects.toThrow(TypeError)
  })
})
