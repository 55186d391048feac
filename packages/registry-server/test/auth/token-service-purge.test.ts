import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CredentialStore, type MintedCredential } from '../../src/auth/credential-store.js'
import { startTokenService } from '../../src/index.js'
import { createLog } from '../../src/log.js'
import { startCredentialPurge } from '../../src/token-service/credential-purge.js'

// The standalone token service mints for as long as it runs: credentials it never forgot once
// expired stayed in memory and in credentials.json for good, every one of them scanned by each
// revocation by repository or namespace and read back at each start.

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'token-service-purge-'))
})
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

/** What the store on disk says of a credential: forgotten (`invalid`) or kept (`expired`). */
async function storedStatus(credential: MintedCredential): Promise<string> {
  const store = await CredentialStore.open(dataDir)
  return store.check(credential.username, credential.password).status
}

describe('the standalone token service forgets expired credentials', () => {
  it('at its start, as the registry does', async () => {
    const first = await startTokenService({ dataDir, admin: ADMIN })
    const expired = await first.generateCredentials('team/app', 'pull', 1)
    const live = await first.generateCredentials('team/app', 'pull', 600)
    await first.close()
    await sleep(Math.max(0, expired.expiresAt.getTime() - Date.now()) + 100)

    const second = await startTokenService({ dataDir, admin: ADMIN })
    await second.close()
    expect(await storedStatus(expired)).toBe('invalid')
    expect(await storedStatus(live)).toBe('valid')
  })

  it('while it runs, every interval, and stops with it', async () => {
    const store = await CredentialStore.open(dataDir)
    const purge = await startCredentialPurge(store, createLog('silent'), 200)
    const expired = await store.mint('team/app', 'pull', 1)
    const live = await store.mint('team/app', 'push-pull', 600)
    await sleep(expired.expiresAt.getTime() - Date.now() + 500)
    await purge.stop()

    expect(await storedStatus(expired)).toBe('invalid')
    expect(await storedStatus(live)).toBe('valid')
    // Stopped: nothing more is written to the directory, whose lock its service lets go.
    const after = await store.mint('team/after', 'pull', 1)
    await sleep(after.expiresAt.getTime() - Date.now() + 500)
    expect(await storedStatus(after)).toBe('expired')
  })
})
