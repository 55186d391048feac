import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HashPool } from '../../src/hashing/hash-pool.js'
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

/** A request body: fresh buffers of its own, like socket reads. */
async function* body(bytes: Uint8Array, piece = 65_536): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += piece) {
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
    expect((await store.blobs.readAll(sha256(bytes))).equals(bytes)).toBe(true)

    const other = await sessions.start(REPOSITORY)
    await sessions.append(REPOSITORY, other, body(bytes), undefined)
    const wrong = sha256(randomBytes(10))
    await expect(sessions.finish(REPOSITORY, other, wrong)).rejects.toMatchObject({
      code: 'DIGEST_INVALID',
    })
    expect(await store.linkedBlob(REPOSITORY, wrong)).toBeUndefined()
  })

  it('hashes the stored bytes again when the hash was lost with its thread', async () => {
    const store = await openStore()
    const sessions = await UploadSessions.open(store, LIMITS, hashes)
    const bytes = randomBytes(2 * 1024 * 1024 + 77)
    const id = await sessions.start(REPOSITORY)
    await sessions.append(REPOSITORY, id, body(bytes), undefined)
    await hashes.close() // the thread, and the hash on it, are gone
    await sessions.finish(REPOSITORY, id, sha256(bytes))
    expect((await store.blobs.readAll(sha256(bytes))).equals(bytes)).toBe(true)

    const refused = await sessions.start(REPOSITORY)
    await sessions.append(REPOSITORY, refused, body(bytes), undefined)
    await hashes.close()
    await expect(
      sessions.finish(REPOSITORY, refused, sha256(randomBytes(10))),
    ).rejects.toMatchObject({ code: 'DIGEST_INVALID' })
  })
})
