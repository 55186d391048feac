import { createHash, randomBytes } from 'node:crypto'
import { appendFile, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HashPool, type OffThreadHasher } from '../../src/hashing/hash-pool.js'
import { HashThread } from '../../src/hashing/hash-thread.js'
import type { StoredRange } from '../../src/storage/blob-store.js'

let dir: string
const pools: HashPool[] = []
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hash-pool-'))
})
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close()
  await rm(dir, { recursive: true, force: true })
})

function pool(options: ConstructorParameters<typeof HashPool>[0] = {}): HashPool {
  const made = new HashPool(options)
  pools.push(made)
  return made
}

function hex(algorithm: string, ...parts: Uint8Array[]): string {
  const hash = createHash(algorithm)
  for (const part of parts) hash.update(part)
  return `${algorithm}:${hash.digest('hex')}`
}

/** An upload's file, written to the way the store does: append, then report where it went. */
class UploadFile {
  readonly path: string
  size = 0

  constructor(name: string) {
    this.path = join(dir, name)
  }

  async append(bytes: Uint8Array): Promise<StoredRange> {
    await appendFile(this.path, bytes)
    const range = { path: this.path, from: this.size, to: this.size + bytes.byteLength }
    this.size = range.to
    return range
  }
}

async function write(hasher: OffThreadHasher, file: UploadFile, bytes: Uint8Array): Promise<void> {
  await hasher.update([], await file.append(bytes))
}

describe('HashPool', () => {
  it('hashes the writes of each upload in order, sha256 and sha512, many uploads at once', async () => {
    const hashes = pool({ threads: 2 })
    const uploads = Array.from({ length: 6 }, (_, i) => ({
      algorithm: i % 2 === 0 ? ('sha256' as const) : ('sha512' as const),
      bytes: randomBytes(3_000_000 + i * 7_001),
      file: new UploadFile(`upload-${i}`),
    }))
    const hashers = uploads.map((upload) => hashes.hasher(upload.algorithm))
    // Interleaved, in writes of several sizes (one larger than the worker's read buffer), as
    // concurrent requests would make them.
    const sizes = [1, 65_536, 1_500_000, 7]
    for (let offset = 0, round = 0; offset < 3_100_000; round++) {
      const size = sizes[round % sizes.length] ?? 1
      for (const [i, upload] of uploads.entries()) {
        const piece = upload.bytes.subarray(offset, offset + size)
        if (piece.byteLength > 0) await write(hashers[i] as OffThreadHasher, upload.file, piece)
      }
      offset += size
    }
    const digests = await Promise.all(hashers.map((hasher) => hasher.digest()))
    expect(digests).toEqual(uploads.map(({ algorithm, bytes }) => hex(algorithm, bytes)))
  })

  it('hashes the bytes as the file holds them, not as the chunks were', async () => {
    const hasher = pool().hasher('sha256')
    const file = new UploadFile('upload')
    const stored = randomBytes(4096)
    const range = await file.append(stored)
    // The chunks are not read at all: the worker reads the range back from the file.
    await hasher.update([randomBytes(4096)], range)
    expect(await hasher.digest()).toBe(hex('sha256', stored))
  })

  it('holds the writer back while a thread has more than maxPendingBytes to hash', async () => {
    const hasher = pool({ maxPendingBytes: 100_000 }).hasher('sha256')
    const file = new UploadFile('upload')
    // Both written first: an await between the updates would let the thread catch up.
    const first = await file.append(randomBytes(50_000))
    const second = await file.append(randomBytes(60_000))
    expect(hasher.update([], first)).toBeUndefined()
    const wait = hasher.update([], second)
    expect(wait).toBeInstanceOf(Promise)
    await wait
    // Once the thread caught up, writing goes on without waiting.
    expect(hasher.update([], await file.append(randomBytes(1000)))).toBeUndefined()
    await hasher.digest()
  })

  it('digests an empty upload, and a hash only once', async () => {
    const hasher = pool().hasher('sha256')
    expect(await hasher.digest()).toBe(hex('sha256'))
    await expect(hasher.digest()).rejects.toThrow(/ended/)
  })

  it('refuses the digest of writes it could not read whole, and of writes out of order', async () => {
    const hashes = pool()
    const file = new UploadFile('cut')
    const cut = hashes.hasher('sha256')
    const range = await file.append(randomBytes(10_000))
    await truncate(file.path, 5000)
    await cut.update([], range)
    await expect(cut.digest()).rejects.toThrow(/ended at 5000 of 10000/)

    const gone = hashes.hasher('sha256')
    await gone.update([], { path: join(dir, 'missing'), from: 0, to: 10 })
    await expect(gone.digest()).rejects.toThrow(/ENOENT/)

    const skipped = hashes.hasher('sha256')
    const other = new UploadFile('other')
    await other.append(randomBytes(100))
    await skipped.update([], await other.append(randomBytes(100)))
    await expect(skipped.digest()).rejects.toThrow(/does not follow/)
    // The thread itself is fine: the next hash works.
    const next = hashes.hasher('sha256')
    const bytes = randomBytes(1000)
    await write(next, new UploadFile('next'), bytes)
    expect(await next.digest()).toBe(hex('sha256', bytes))
  })

  it('gives a hash up when a write has no file to read back (an in-memory store)', async () => {
    const hasher = pool().hasher('sha256')
    expect(hasher.update([randomBytes(100)], undefined)).toBeUndefined()
    await expect(hasher.digest()).rejects.toThrow(/cannot read back/)
  })

  it('rejects the digests of a closed pool, and starts new threads for new hashes', async () => {
    const hashes = pool()
    const lost = hashes.hasher('sha256')
    lost.update([], await new UploadFile('lost').append(randomBytes(1000)))
    const rejected = expect(lost.digest()).rejects.toThrow(/closed/)
    await hashes.close()
    await rejected
    const next = hashes.hasher('sha256')
    const bytes = randomBytes(1000)
    await write(next, new UploadFile('next'), bytes)
    expect(await next.digest()).toBe(hex('sha256', bytes))
  })
})

describe('HashThread', () => {
  it('fails every hash when its worker exits, and wakes writers held back', async () => {
    // A worker that dies before hashing anything.
    const script = join(dir, 'dies.mjs')
    await writeFile(script, 'process.exit(3)\n')
    const thread = new HashThread(pathToFileURL(script), 10)
    thread.start(1, 'sha256')
    const held = thread.update(1, { path: join(dir, 'data'), from: 0, to: 100 })
    const digest = thread.digest(1)
    await expect(digest).rejects.toThrow(/exited \(3\)/)
    await held
    expect(thread.failed).toBe(true)
    expect(thread.update(1, { path: join(dir, 'data'), from: 100, to: 200 })).toBeUndefined()
  })
})
