import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CredentialStore, type MintedCredential } from '../../src/auth/credential-store.js'

// The credential store keeps its file and a log of the mints, revocations and purges since it
// was last written whole: these tests reopen the directory as a restarted registry would.

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'credential-log-'))
})
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

const FILE = (): string => join(dataDir, 'auth', 'credentials.json')
const LOG = (): string => join(dataDir, 'auth', 'credentials.log')

const status = (store: CredentialStore, c: MintedCredential): string =>
  store.check(c.username, c.password).status

describe('the credential store log', () => {
  it('logs each mint after the first instead of rewriting the file, and reads them all back', async () => {
    const store = await CredentialStore.open(dataDir)
    const minted = [await store.mint('ci/app', 'pull', 600)]
    const file = await stat(FILE())
    for (let n = 0; n < 50; n++) minted.push(await store.mint(`ci/app${n}`, 'push-pull', 600))

    expect((await stat(FILE())).ino).toBe(file.ino)
    const lines = (await readFile(LOG(), 'utf8')).trimEnd().split('\n')
    expect(lines).toHaveLength(50)
    // A line holds the credential's hash, never its password.
    expect(lines.some((line) => minted.some((c) => line.includes(c.password)))).toBe(false)
    expect((await stat(LOG())).mode & 0o777).toBe(0o600)
    expect((await stat(FILE())).mode & 0o777).toBe(0o600)

    const reopened = await CredentialStore.open(dataDir)
    for (const c of minted) expect(status(reopened, c)).toBe('valid')
  })

  it('keeps revocations by username and by repository, and purges, across a restart', async () => {
    const store = await CredentialStore.open(dataDir)
    const kept = await store.mint('team/kept', 'pull', 600)
    const byName = await store.mint('team/kept', 'push-pull', 600)
    const byRepository = [
      await store.mint('team/gone', 'pull', 600),
      await store.mint('team/gone', 'push-pull', 600),
    ]
    const shortLived = await store.mint('team/short', 'pull', 1)
    expect(await store.revoke({ username: byName.username })).toBe(1)
    expect(await store.revoke({ repository: 'team/gone' })).toBe(2)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    expect(await store.purgeExpired()).toBe(1)

    const reopened = await CredentialStore.open(dataDir)
    expect(status(reopened, kept)).toBe('valid')
    for (const c of [byName, ...byRepository]) expect(status(reopened, c)).toBe('invalid')
    // Purged, not merely expired: the store no longer holds it at all.
    expect(status(reopened, shortLived)).toBe('invalid')
  })

  it('reads a file of the earlier form (a map by id) and rewrites it whole at the first change', async () => {
    const password = 'an-earlier-password'
    const earlier = {
      '0123456789abcdef01234567': {
        repository: 'old/app',
        permission: 'pull',
        expiresAt: Date.now() + 600_000,
        secretHash: createHash('sha256').update(password).digest('hex'),
      },
    }
    await mkdir(join(dataDir, 'auth'), { recursive: true })
    await writeFile(FILE(), JSON.stringify(earlier))
    const store = await CredentialStore.open(dataDir)
    const old = { username: 'cred-0123456789abcdef01234567', password } as MintedCredential
    expect(status(store, old)).toBe('valid')

    const added = await store.mint('new/app', 'pull', 600)
    const written = JSON.parse(await readFile(FILE(), 'utf8')) as Record<string, unknown>
    expect(Object.keys(written).sort()).toEqual(['credentials', 'epoch'])
    const reopened = await CredentialStore.open(dataDir)
    expect(status(reopened, old)).toBe('valid')
    expect(status(reopened, added)).toBe('valid')
  })

  it('a mint that cannot be logged fails and is not live; the next one rewrites the file', async () => {
    const store = await CredentialStore.open(dataDir)
    const first = await store.mint('team/app', 'pull', 600) // written whole: no log yet
    await mkdir(LOG()) // a folder where the log goes: appending fails
    await expect(store.mint('team/failed', 'push-pull', 600)).rejects.toThrow()
    expect(await store.revoke({ repository: 'team/failed' })).toBe(0) // nothing live to revoke
    await rm(LOG(), { recursive: true })

    const second = await store.mint('team/app', 'pull', 600)
    const reopened = await CredentialStore.open(dataDir)
    expect(status(reopened, first)).toBe('valid')
    expect(status(reopened, second)).toBe('valid')
    const log = await readFile(LOG(), 'utf8').catch(() => '')
    expect(log).toBe('') // the file was written whole, and its log emptied
  })

  it('a revocation is refused at once even when it cannot be logged, and lands with the next change', async () => {
    const store = await CredentialStore.open(dataDir)
    const target = await store.mint('team/app', 'pull', 600) // written whole: no log yet
    await mkdir(LOG()) // a folder where the log goes: appending fails
    await expect(store.revoke({ username: target.username })).rejects.toThrow()
    expect(status(store, target)).toBe('invalid')

    await rm(LOG(), { recursive: true })
    await store.mint('team/other', 'pull', 600)
    expect(status(await CredentialStore.open(dataDir), target)).toBe('invalid')
  })

  it('a revocation retried after it could not be logged is logged, and stays after a restart', async () => {
    const store = await CredentialStore.open(dataDir)
    const target = await store.mint('team/app', 'pull', 600) // written whole: no log yet
    await mkdir(LOG())
    await expect(store.revoke({ username: target.username })).rejects.toThrow()
    await rm(LOG(), { recursive: true })

    // The retry finds nothing live, yet writes the revocation the first call could not.
    expect(await store.revoke({ username: target.username })).toBe(1)
    expect(status(await CredentialStore.open(dataDir), target)).toBe('invalid')
  })

  // What a repository delete or a deprovision retries after a disk failure: the credential is
  // gone from memory already, yet the retry must write its revocation, or a restart revives it.
  it.each([{ repository: 'team/app' }, { namespace: 'team' }])(
    'a revocation by %o retried after it could not be logged is logged, and stays after a restart',
    async (which) => {
      const store = await CredentialStore.open(dataDir)
      const target = await store.mint('team/app', 'push-pull', 600) // written whole: no log yet
      await mkdir(LOG())
      await expect(store.revoke(which)).rejects.toThrow()
      await rm(LOG(), { recursive: true })

      expect(await store.revoke(which)).toBe(1)
      expect(status(await CredentialStore.open(dataDir), target)).toBe('invalid')
    },
  )

  it('writing the file whole for one mint leaves out another still being minted', async () => {
    const store = await CredentialStore.open(dataDir)
    // The log's path leads nowhere: the first mint writes the file whole (as a new store does)
    // and finds no log to empty; the second, queued behind it, cannot append.
    await mkdir(join(dataDir, 'auth'), { recursive: true })
    await symlink(join(dataDir, 'nowhere', 'credentials.log'), LOG())
    const [first, second] = await Promise.allSettled([
      store.mint('team/first', 'pull', 600),
      store.mint('team/second', 'pull', 600),
    ])
    expect(first.status).toBe('fulfilled')
    expect(second.status).toBe('rejected')
    await rm(LOG())

    const reopened = await CredentialStore.open(dataDir)
    expect(await reopened.revoke({ repository: 'team/second' })).toBe(0) // never on disk
    expect(await reopened.revoke({ repository: 'team/first' })).toBe(1)
  })
})
