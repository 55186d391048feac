import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { uploadHashing } from '../../src/hashing/select-hashing.js'
import { startLocalRegistry } from '../../src/index.js'
import { createLog, type LogEvent } from '../../src/log.js'
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

/**
 * Upload sessions over a filesystem store in the test's folder, hashed on the main thread;
 * `prepare` may change the store first (to make it fail).
 */
async function openSessions(
  limits: CapLimits,
  options: { events?: LogEvent[]; prepare?: (store: RegistryStore) => void } = {},
): Promise<UploadSessions & AsyncDisposable> {
  const store = await RegistryStore.open(join(dir, 'data'))
  options.prepare?.(store)
  const hashes = uploadHashing(0, true)
  const log = createLog('error', (event) => options.events?.push(event))
  const sessions = await UploadSessions.open(store, limits, hashes, { log })
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
    // Moved out of uploads/ in one step, then removed from tmp/ too.
    expect(await readdir(join(dir, 'data', 'tmp'))).toEqual([])
    // The owner had both of its two slots; the purged one is free again.
    await expect(sessions.start(REPOSITORY, 'sha256', 'ci')).resolves.toBeTypeOf('string')
  })

  it('removes a session a crash left without its state once its files are as old', async () => {
    const uploads = join(dir, 'data', 'uploads')
    await brokenSession(uploads, new Date(Date.now() - 2 * HOUR))
    const recent = await brokenSession(uploads, new Date())
    await using sessions = await openSessions({ perCredential: 10, total: 10 })
    expect(await sessions.purgeOlderThan(Date.now() - HOUR)).toBe(1)
    expect(await readdir(uploads)).toEqual([recent])
  })

  it('logs a session it cannot remove, leaves it for the next purge, and removes the others', async () => {
    const uploads = join(dir, 'data', 'uploads')
    const longAgo = new Date(Date.now() - 2 * HOUR)
    const stuck = await brokenSession(uploads, longAgo)
    await brokenSession(uploads, longAgo)
    await brokenSession(uploads, longAgo)
    const events: LogEvent[] = []
    await using sessions = await openSessions(
      { perCredential: 10, total: 10 },
      {
        events,
        prepare: (store) => {
          const remove = store.blobs.deleteUpload.bind(store.blobs)
          store.blobs.deleteUpload = async (id) => {
            if (id === stuck)
              throw Object.assign(new Error('EBUSY: resource busy'), { code: 'EBUSY' })
            await remove(id)
          }
        },
      },
    )
    expect(await sessions.purgeOlderThan(Date.now() - HOUR)).toBe(2)
    expect(await readdir(uploads)).toEqual([stuck])
    expect(events).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'purging an expired upload failed',
        upload: stuck,
        error: expect.objectContaining({ message: 'EBUSY: resource busy' }),
      }),
    ])
  })

  it('leaves alone what is no session, and starts a registry with it there', async () => {
    const stray = join(dir, 'data', 'uploads', 'lost+found')
    await mkdir(stray, { recursive: true })
    await utimes(stray, new Date(Date.now() - 2 * HOUR), new Date(Date.now() - 2 * HOUR))
    await using sessions = await openSessions({ perCredential: 10, total: 10 })
    expect(await sessions.purgeOlderThan(Date.now())).toBe(0)
    await using registry = await startLocalRegistry({ dataDir: join(dir, 'data'), port: 0 })
    expect(await registry.purgeExpiredUploads()).toBe(0)
    expect(await readdir(join(dir, 'data', 'uploads'))).toEqual(['lost+found'])
  })

  it('counts only what it removed when sessions finish while it runs, and frees every slot', async () => {
    const count = 100
    await using sessions = await openSessions({ perCredential: count, total: count })
    const ids = await Promise.all(Array.from({ length: count }, () => sessions.start(REPOSITORY)))
    const cutoff = Date.now() + 1
    while (Date.now() <= cutoff) await new Promise((resolve) => setTimeout(resolve, 2))
    // Every session is expired; each is finished or purged, whichever comes first.
    const finishing = ids.map(async (id, i) => {
      const bytes = Buffer.from(`layer ${i}`)
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
      await sessions.append(REPOSITORY, id, chunks(bytes), undefined)
      await sessions.finish(REPOSITORY, id, digest)
    })
    const settled = Promise.allSettled(finishing)
    const purged = await sessions.purgeOlderThan(cutoff)
    const finished = (await settled).filter((r) => r.status === 'fulfilled')
    expect(purged + finished.length).toBe(count)
    expect(await readdir(join(dir, 'data', 'uploads'))).toEqual([])
    await Promise.all(ids.map(() => sessions.start(REPOSITORY)))
  })

  it('does not wait for a request still sending to an expired session: it is left for the next purge', async () => {
    await using sessions = await openSessions({ perCredential: 10, total: 10 })
    const sending = await sessions.start(REPOSITORY)
    const idle = await sessions.start(REPOSITORY)
    const cutoff = Date.now() + 1
    while (Date.now() <= cutoff) await new Promise((resolve) => setTimeout(resolve, 2))
    // A client that started a session over a day ago and now sends to it slowly, for as long as
    // it likes: the purge used to wait for that request, holding up every other session's purge
    // (and every later run) meanwhile, so abandoned sessions piled up until the caps were full.
    let endBody = (): void => {}
    const bodyEnds = new Promise<void>((resolve) => {
      endBody = resolve
    })
    const appending = sessions.append(REPOSITORY, sending, slowBody(bodyEnds), undefined)
    try {
      const purged = await settledWithin(sessions.purgeOlderThan(cutoff), 2000)
      expect(purged).toBe(1)
      expect(await readdir(join(dir, 'data', 'uploads'))).toEqual([sending])
      await expect(sessions.size(REPOSITORY, idle)).rejects.toMatchObject({
        code: 'BLOB_UPLOAD_UNKNOWN',
      })
    } finally {
      endBody()
    }
    // The request ends as it would have: its bytes are kept, and the next purge takes it.
    expect(await appending).toBe(1)
    expect(await sessions.purgeOlderThan(cutoff)).toBe(1)
    expect(await readdir(join(dir, 'data', 'uploads'))).toEqual([])
  })

  it('close() waits for a purge in progress: nothing is deleted after it returns', async () => {
    const uploads = join(dir, 'data', 'uploads')
    await using registry = await startLocalRegistry({ dataDir: join(dir, 'data'), port: 0 })
    // Past the default expiry of a day.
    const longAgo = new Date(Date.now() - 48 * HOUR)
    for (let i = 0; i < 1500; i++) await brokenSession(uploads, longAgo)
    const purge = registry.purgeExpiredUploads()
    await registry.close()
    expect(await readdir(uploads)).toEqual([])
    expect(await purge).toBe(1500)
    // Closed is closed: no purge starts after it.
    await expect(registry.purgeExpiredUploads()).rejects.toThrow('the registry is closed')
  }, 30_000)

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

  it('a registry purges expired sessions on its own', async () => {
    await using registry = await startLocalRegistry({
      dataDir: join(dir, 'data'),
      adminCredentials: ADMIN,
      logLevel: 'silent',
      uploadExpirySeconds: 2,
    })
    const started = await fetch(`${registry.url}/v2/${REPOSITORY}/blobs/uploads/`, {
      method: 'POST',
      headers: AS_ADMIN,
    })
    expect(started.status).toBe(202)
    // There now (a purge takes it only once it is two seconds old).
    expect(await readdir(join(dir, 'data', 'uploads'))).toHaveLength(1)
    const location = new URL(started.headers.get('location') ?? '', registry.url)
    const status = async (): Promise<number> => {
      const res = await fetch(location, { headers: AS_ADMIN })
      await res.arrayBuffer()
      return res.status
    }
    // Its folder goes without any request asking for it (a request to an expired session removes
    // it too, see upload-lifetime.test.ts).
    const emptied = async (): Promise<boolean> =>
      (await readdir(join(dir, 'data', 'uploads'))).length === 0
    expect(await eventually(emptied, 10_000)).toBe(true)
    expect(await status()).toBe(404)
  }, 20_000)
})

/** A session folder with bytes and no state, as a crash during its creation leaves it. */
async function brokenSession(uploads: string, changedAt: Date): Promise<string> {
  const id = randomUUID()
  await mkdir(join(uploads, id), { recursive: true })
  await writeFile(join(uploads, id, 'data'), randomBytes(16))
  await utimes(join(uploads, id), changedAt, changedAt)
  return id
}

/** A request body of one chunk. */
async function* chunks(bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield new Uint8Array(bytes)
}

/** A request body of one byte, then nothing until `end` resolves (a client still sending). */
async function* slowBody(end: Promise<void>): AsyncGenerator<Uint8Array> {
  yield new Uint8Array([1])
  await end
}

/** What `promise` resolves to, or a rejection once `ms` have passed without it. */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}
