import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HashPool } from '../../src/hashing/hash-pool.js'
import { createLog, type LogEvent } from '../../src/log.js'
import { RegistryStore } from '../../src/storage/registry-store.js'
import { UploadSessions } from '../../src/upload-sessions.js'

const LIMITS = { perCredential: 100, total: 100 }
const REPOSITORY = 'hashing/upload'

let dir: string
let hashes: HashPool
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'upload-hashing-'))
  hashes = new HashPool({ threads: 1 })
})
afterEach(async () => {
  await hashes.close()
  await rm(dir, { recursive: true, force: true })
})

const MiB = 1024 * 1024

/**
 * A request body: fresh buffers of its own, like socket reads. With `cutAt`, the client goes
 * away once that many bytes are sent.
 */
async function* body(
  bytes: Uint8Array,
  cutAt = Infinity,
  piece = 65_536,
): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += piece) {
    if (offset >= cutAt) throw new Error('the client went away')
    yield new Uint8Array(bytes.subarray(offset, offset + piece))
  }
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

describe.each([
  ['on disk', () => RegistryStore.open(join(dir, 'data'))],
  ['in memory', () => RegistryStore.open(undefined)],
])('uploads hashed off the main thread (%s)', (_, openStore) => {
  it('commits chunks hashed by the pool, and refuses a digest they do not have', async () => {
    const store = await openStore()
    const sessions = await UploadSessions.open(store, LIMITS, hashes)
    const bytes = randomBytes(3 * 1024 * 1024 + 5)
    const id = await sessions.start(REPOSITORY)
    const half = 1024 * 1024 + 3
    await sessions.append(REPOSITORY, id, body(bytes.subarray(0, half)), {
      start: 0,
      end: half - 1,
    })
    await sessions.append(REPOSITORY, id, body(bytes.subarray(half)), undefined)
    await sessions.finish(REPOSITORY, id, sha256(bytes))
    expect(await store.linkedBlob(REPOSITORY, sha256(bytes))).toMatchObject({
      size: bytes.byteLength,
    })
    expect((await store.blobs.readAll(sha256(bytes)))?.equals(bytes)).toBe(true)

    const other = await sessions.start(REPOSITORY)
    await sessions.append(REPOSITORY, other, body(bytes), undefined)
    const wrong = sha256(randomBytes(10))
    await expect(sessions.finish(REPOSITORY, other, wrong)).rejects.toMatchObject({
      code: 'DIGEST_INVALID',
    })
    expect(await store.linkedBlob(REPOSITORY, wrong)).toBeUndefined()
  })

  it('hashes the stored bytes again when the hash was lost with its thread, and logs it', async () => {
    const store = await openStore()
    const events: LogEvent[] = []
    const log = createLog('error', (event) => events.push(event))
    const sessions = await UploadSessions.open(store, LIMITS, hashes, { log })
    const bytes = randomBytes(2 * 1024 * 1024 + 77)
    const id = await sessions.start(REPOSITORY)
    await sessions.append(REPOSITORY, id, body(bytes), undefined)
    await hashes.close() // the thread, and the hash on it, are gone
    await sessions.finish(REPOSITORY, id, sha256(bytes))
    expect((await store.blobs.readAll(sha256(bytes)))?.equals(bytes)).toBe(true)
    // (In memory the hash was given up at the first write: no file to read back.)
    expect(events.map((event) => event.msg)).toEqual([
      'upload hash lost; hashing the stored bytes again',
    ])

    const refused = await sessions.start(REPOSITORY)
    await sessions.append(REPOSITORY, refused, body(bytes), undefined)
    await hashes.close()
    await expect(
      sessions.finish(REPOSITORY, refused, sha256(randomBytes(10))),
    ).rejects.toMatchObject({ code: 'DIGEST_INVALID' })
  })

  it('opens a session whose hash cannot start, hashes it from storage at commit, and logs it', async () => {
    const store = await openStore()
    const events: LogEvent[] = []
    const log = createLog('error', (event) => events.push(event))
    const broken = {
      hasher(): never {
        throw new Error('no thread can be made')
      },
      close: async () => {},
    }
    const sessions = await UploadSessions.open(store, { perCredential: 1, total: 1 }, broken, {
      log,
    })
    const bytes = randomBytes(MiB + 9)
    const id = await sessions.start(REPOSITORY)
    await sessions.append(REPOSITORY, id, body(bytes), undefined)
    await sessions.finish(REPOSITORY, id, sha256(bytes))
    expect((await store.blobs.readAll(sha256(bytes)))?.equals(bytes)).toBe(true)
    expect(events).toMatchObject([
      {
        msg: 'starting an upload hash failed; the upload is hashed from storage at commit',
        error: { message: 'no thread can be made' },
      },
    ])
    // The finished session gave its one slot back.
    await sessions.cancel(REPOSITORY, await sessions.start(REPOSITORY))
  })

  describe('with the thread far behind the writes', () => {
    let lagging: HashPool
    beforeEach(() => {
      // Writers never wait: every write below is still to be read back when the next one lands.
      lagging = new HashPool({ threads: 1, maxPendingBytes: 1024 ** 3 })
    })
    afterEach(() => lagging.close())

    it('commits what the file holds after a chunk cut short and sent again with other bytes', async () => {
      const store = await openStore()
      const sessions = await UploadSessions.open(store, LIMITS, lagging)
      const id = await sessions.start(REPOSITORY)
      const head = randomBytes(20 * MiB)
      await sessions.append(REPOSITORY, id, body(head), { start: 0, end: head.byteLength - 1 })
      const chunk = { start: head.byteLength, end: head.byteLength + 10 * MiB - 1 }
      const cut = sessions.append(REPOSITORY, id, body(randomBytes(10 * MiB), 5 * MiB), chunk)
      await expect(cut).rejects.toThrow(/client went away/)
      const tail = randomBytes(10 * MiB)
      await sessions.append(REPOSITORY, id, body(tail), chunk)
      const whole = Buffer.concat([head, tail])
      await sessions.finish(REPOSITORY, id, sha256(whole))
      expect((await store.blobs.readAll(sha256(whole)))?.equals(whole)).toBe(true)
    })

    it('ends uploads cancelled while their writes are still being read back', async () => {
      const store = await openStore()
      const sessions = await UploadSessions.open(store, LIMITS, lagging)
      for (const _ of [1, 2, 3]) {
        const id = await sessions.start(REPOSITORY)
        await sessions.append(REPOSITORY, id, body(randomBytes(20 * MiB)), undefined)
        await sessions.cancel(REPOSITORY, id)
      }
      const bytes = randomBytes(3 * MiB)
      const id = await sessions.start(REPOSITORY)
      await sessions.append(REPOSITORY, id, body(bytes), undefined)
      await sessions.finish(REPOSITORY, id, sha256(bytes))
      expect(await store.blobs.listUploads()).toEqual([])
      expect((await store.blobs.readAll(sha256(bytes)))?.equals(bytes)).toBe(true)
    })
  })
})
