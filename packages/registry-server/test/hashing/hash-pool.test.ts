import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { HashPool } from '../../src/hashing/hash-pool.js'
import { HashThread } from '../../src/hashing/hash-thread.js'

const pools: HashPool[] = []
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close()
})

function pool(options: ConstructorParameters<typeof HashPool>[0] = {}): HashPool {
  const made = new HashPool(options)
  pools.push(made)
  return made
}

/** Like a socket read: a fresh buffer of its own. */
function owned(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes)
}

describe('HashPool', () => {
  it('hashes the chunks of each upload in order, sha256 and sha512, many uploads at once', async () => {
    const hashes = pool({ threads: 2 })
    const uploads = Array.from({ length: 6 }, (_, i) => ({
      algorithm: i % 2 === 0 ? ('sha256' as const) : ('sha512' as const),
      bytes: randomBytes(300_000 + i * 7_001),
    }))
    const hashers = uploads.map((upload) => hashes.hasher(upload.algorithm))
    // Interleaved, in pieces of several sizes, as concurrent requests would send them.
    for (let offset = 0; offset < 400_000; offset += 65_536) {
      for (const [i, upload] of uploads.entries()) {
        const piece = upload.bytes.subarray(offset, offset + 65_536)
        if (piece.byteLength > 0)
          await hashers[i]?.update([owned(piece.subarray(0, 10)), owned(piece.subarray(10))])
      }
    }
    const digests = await Promise.all(hashers.map((hasher) => hasher.digest()))
    expect(digests).toEqual(
      uploads.map(
        ({ algorithm, bytes }) =>
          `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`,
      ),
    )
  })

  it('takes the buffer of a chunk that is its only view, and copies one that shares it', async () => {
    const hasher = pool().hasher('sha256')
    const whole = owned(randomBytes(4096))
    const expected = createHash('sha256').update(whole)
    const shared = randomBytes(8192)
    const slice = shared.subarray(100, 4196)
    const sharedCopy = Buffer.from(shared)
    expected.update(slice)
    await hasher.update([whole, slice])
    expect(await hasher.digest()).toBe(`sha256:${expected.digest('hex')}`)
    // Moved to the worker: the chunk reads as empty here.
    expect(whole.byteLength).toBe(0)
    // The buffer the slice shares with others is left whole.
    expect(shared.equals(sharedCopy)).toBe(true)
  })

  it('holds the sender back while a thread has more than maxPendingBytes to hash', async () => {
    const hasher = pool({ maxPendingBytes: 100_000 }).hasher('sha256')
    expect(hasher.update([owned(randomBytes(50_000))])).toBeUndefined()
    const wait = hasher.update([owned(randomBytes(60_000))])
    expect(wait).toBeInstanceOf(Promise)
    await wait
    // Once the thread caught up, sending goes on without waiting.
    expect(hasher.update([owned(randomBytes(1000))])).toBeUndefined()
    await hasher.digest()
  })

  it('digests an empty upload, and a hash only once', async () => {
    const hasher = pool().hasher('sha256')
    expect(await hasher.digest()).toBe(`sha256:${createHash('sha256').digest('hex')}`)
    await expect(hasher.digest()).rejects.toThrow(/ended/)
  })

  it('rejects the digests of a closed pool, and starts new threads for new hashes', async () => {
    const hashes = pool()
    const lost = hashes.hasher('sha256')
    lost.update([owned(randomBytes(1000))])
    const rejected = expect(lost.digest()).rejects.toThrow(/closed/)
    await hashes.close()
    await rejected
    const next = hashes.hasher('sha256')
    const bytes = randomBytes(1000)
    await next.update([owned(bytes)])
    expect(await next.digest()).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`)
  })
})

describe('HashThread', () => {
  it('fails every hash when its worker exits, and wakes senders held back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hash-thread-'))
    try {
      // A worker that dies before hashing anything.
      const script = join(dir, 'dies.mjs')
      await writeFile(script, 'process.exit(3)\n')
      const thread = new HashThread(pathToFileURL(script), 10)
      thread.start(1, 'sha256')
      const held = thread.update(1, [owned(randomBytes(100))])
      const digest = thread.digest(1)
      await expect(digest).rejects.toThrow(/exited \(3\)/)
      await held
      expect(thread.failed).toBe(true)
      expect(thread.update(1, [owned(randomBytes(100))])).toBeUndefined()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
