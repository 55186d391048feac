import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startLocalRegistry, startTokenService } from '../../src/index.js'
import { pushImage } from '../support/push.js'

const ADMIN = { username: 'admin', password: 'relative-dir-admin-password' }
const basic = (username: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
})
const AS_ADMIN = basic(ADMIN.username, ADMIN.password)

let work: string
let elsewhere: string
const cwd = process.cwd()
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'relative-data-'))
  elsewhere = join(work, 'elsewhere')
  await mkdir(elsewhere)
  process.chdir(work)
})
afterEach(async () => {
  process.chdir(cwd)
  await rm(work, { recursive: true, force: true })
})

// An application that embeds the registry may change its working directory after the start
// (a build tool entering a project's folder, say). The directory the registry locked is the one
// it must keep writing: writes that followed a relative `dataDir` elsewhere were acknowledged,
// then missing at the next start, revocations included.
describe('a relative dataDir is the directory it named at the start', () => {
  it('images pushed and credentials revoked after a chdir are in the locked directory', async () => {
    const first = await startLocalRegistry({
      dataDir: 'data',
      adminCredentials: ADMIN,
      logLevel: 'silent',
    })
    const before = await pushImage(first.url, 'team/app', 'v1', 'before', AS_ADMIN)
    const credential = await first.generateCredentials('team/app', 'pull', 3600)
    const asCredential = basic(credential.username, credential.password)
    process.chdir(elsewhere)
    // Still served: what was pushed before the chdir is where it was.
    const v1 = await fetch(`${first.url}/v2/team/app/manifests/v1`, { headers: AS_ADMIN })
    expect(v1.status).toBe(200)
    expect(v1.headers.get('docker-content-digest')).toBe(before)
    const after = await pushImage(first.url, 'team/app', 'v2', 'after', AS_ADMIN)
    expect(await first.revokeCredentials({ username: credential.username })).toBe(1)
    await first.close()
    // Nothing was written under the new working directory.
    expect(await readdir(elsewhere)).toEqual([])

    process.chdir(work)
    await using second = await startLocalRegistry({
      dataDir: 'data',
      adminCredentials: ADMIN,
      logLevel: 'silent',
    })
    for (const [tag, digest] of [
      ['v1', before],
      ['v2', after],
    ] as const) {
      const res = await fetch(`${second.url}/v2/team/app/manifests/${tag}`, { headers: AS_ADMIN })
      expect(res.status, tag).toBe(200)
      expect(res.headers.get('docker-content-digest'), tag).toBe(digest)
    }
    const revoked = await fetch(`${second.url}/v2/team/app/tags/list`, { headers: asCredential })
    expect(revoked.status).toBe(401)
  })

  it('the token service keeps its credentials in the directory it locked', async () => {
    const first = await startTokenService({ dataDir: 'tokens', admin: ADMIN, logLevel: 'silent' })
    process.chdir(elsewhere)
    await first.generateCredentials('team/app', 'pull', 3600)
    await first.close()
    expect(await readdir(elsewhere)).toEqual([])
  })
})
