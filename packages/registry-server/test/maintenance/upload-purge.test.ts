import { randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { uploadHashing } from '../../src/hashing/select-hashing.js'
import { startLocalRegistry } from '../../src/index.js'
import type { CapLimits } from '../../src/request-limits.js'
import { RegistryStore } from '../../src/storage/registry-store.js'
import { UploadSessions } from '../../src/upload-sessions.js'
import { eventually } from './blobs-on-disk.js'

const REPOSITORY = 'purge/app'
const HOUR = 3600_000
const ADMIN = { username: 'admin', password: 'purge-admin-password' }
const AS_ADMIN = {
  authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`,
}

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'upload-purge-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Upload sessions over a filesystem store in the test's folder, hashed on the main thread. */
async function openSessions(limits: CapLimits): Promise<UploadSessions & AsyncDisposable> {
  const store = await RegistryStore.open(join(dir, 'data'))
  const hashes = uploadHashing(0, true)
  const sessions = await UploadSessions.open(store, limits, hashes)
  return Object.assign(sessions, { [Symbol.asyncDispose]: () => hashes.close() })
}

describe('purging expired upload sessions', () => {
  it('removes the sessions started before the cutoff, their files and their slots', async () => {
    await using sessions = await openSessions({ perCredential: 2, total: 10 })
    const old = await sessions.start(REPOSITORY, 'sha256', 'ci')
    const cutoff = Date.now() + 1
    while (Date.now() <= cutoff) await new Promise((resolve) => setTimeout(resolve, 2))
    const young = await sessions.start(REPOSITORY, 'sha256', 'ci')

    expect(await sessions.purgeOlderThan(cutoff)).toBe(1)
    await expect(sessions.size(REPOSITORY, old)).rejects.toMatchObject({
      code: 'BLOB_UPLOAD_UNKNOWN',
    })
    expect(await sessions.size(REPOSITORY, young)).toBe(0)
    expect(await readdir(join(dir, 'data', 'uploads'))).toEqual([young])
    // The owner had both of its two slots; the purged one is free again.
    await expect(sessions.start(REPOSITORY, 'sha256', 'ci')).resolves.toBeTypeOf('string')
  })

  it('removes a session a crash left without its state, and counts it', async () => {
    const broken = join(dir, 'data', 'uploads', randomUUID())
    await mkdir(broken, { recursive: true })
    await writeFile(join(broken, 'data'), 'bytes of an upload whose state was never written')
    await using sessions = await openSessions({ perCredential: 10, total: 10 })
    expect(await sessions.purgeOlderThan(Date.now() - HOUR)).toBe(1)
    expect(await readdir(join(dir, 'data', 'uploads'))).toEqual([])
  })

  it('never takes a session that is being opened for a broken one', async () => {
    const count = 200
    await using sessions = await openSessions({ perCredential: count, total: count })
    // Sessions open while purges run back to back. None is expired (the cutoff is an hour ago),
    // but one caught half created, its folder there and its state not yet, looks broken.
    let opening = true
    const purges = (async () => {
      let purged = 0
      while (opening) purged += await sessions.purgeOlderThan(Date.now() - HOUR)
      return purged
    })()
    const ids = await Promise.all(
      Array.from({ length: count }, () => sessions.start(REPOSITORY)),
    ).finally(() => {
      opening = false
    })
    expect(await purges).toBe(0)
    for (const id of ids) expect(await sessions.size(REPOSITORY, id)).toBe(0)
  })

  it('a registry purges on its own, every quarter of uploadExpirySeconds (1 s at least)', async () => {
    await using registry = await startLocalRegistry({
      dataDir: join(dir, 'data'),
      adminCredentials: ADMIN,
      logLevel: 'silent',
      uploadExpirySeconds: 1,
    })
    const started = await fetch(`${registry.url}/v2/${REPOSITORY}/blobs/uploads/`, {
      method: 'POST',
      headers: AS_ADMIN,
    })
    expect(started.status).toBe(202)
    const location = new URL(started.headers.get('location') ?? '', registry.url)
    const status = async (): Promise<number> => {
      const res = await fetch(location, { headers: AS_ADMIN })
      await res.arrayBuffer()
      return res.status
    }
    expect(await status()).toBe(204)
    expect(await eventually(async () => (await status()) === 404, 10_000)).toBe(true)
    expect(await readdir(join(dir, 'data', 'uploads'))).toEqual([])
  }, 20_000)
})
