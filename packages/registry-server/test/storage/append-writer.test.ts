import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppendWriter } from '../../src/storage/append-writer.js'
import { releaseMemory } from '../../src/storage/release-memory.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'append-writer-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Like a socket read: every chunk a fresh buffer of its own. */
function ownedChunk(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes)
}

async function appendAll(path: string, chunks: Iterable<Uint8Array>): Promise<number> {
  const file = await open(path, 'a')
  const writer = new AppendWriter(file)
  try {
    for (const chunk of chunks) await writer.push(chunk)
    return await writer.finish()
  } finally {
    await writer.settle()
    await file.close()
  }
}

describe('AppendWriter', () => {
  it('appends every chunk in order, across batches and after what the file held', async () => {
    const path = join(dir, 'data')
    const head = randomBytes(1000)
    const body = randomBytes(5 * 1024 * 1024 + 12_345)
    await appendAll(path, [ownedChunk(head)])
    const sizes = [1, 65_536, 7, 1_048_576, 300_000]
    const chunks: Uint8Array[] = []
    for (let offset = 0, i = 0; offset < body.byteLength; i++) {
      const size = sizes[i % sizes.length] ?? 1
      chunks.push(ownedChunk(body.subarray(offset, offset + size)))
      offset += size
    }
    const written = await appendAll(path, chunks)
    expect(written).toBe(body.byteLength)
    const stored = await readFile(path)
    expect(sha256(stored)).toBe(sha256(Buffer.concat([head, body])))
  })

  it('releases the memory of chunks once they are written, and only then', async () => {
    const chunks = Array.from({ length: 40 }, () => ownedChunk(randomBytes(64 * 1024)))
    const copy = Buffer.concat(chunks)
    await appendAll(join(dir, 'data'), chunks)
    // Each chunk was the only view of its buffer, so each was detached after its write.
    expect(
      chunks.every((chunk) => chunk.byteLength === 0 && (chunk.buffer as ArrayBuffer).detached),
    ).toBe(true)
    expect(sha256(await readFile(join(dir, 'data')))).toBe(sha256(copy))
  })

  it('reports a failed write from finish()', async () => {
    const path = join(dir, 'data')
    await appendAll(path, [])
    const file = await open(path, 'r')
    const writer = new AppendWriter(file)
    try {
      await writer.push(ownedChunk(randomBytes(2 * 1024 * 1024)))
      await expect(writer.finish()).rejects.toThrow(/EBADF/)
    } finally {
      await writer.settle()
      await file.close()
    }
  })
})

describe('releaseMemory', () => {
  it('detaches a buffer the chunk is the only view of', () => {
    const chunk = ownedChunk(randomBytes(1024))
    expect(releaseMemory(chunk)).toBe(true)
    expect(chunk.byteLength).toBe(0)
  })

  it('leaves chunks that share their buffer alone', () => {
    const shared = new Uint8Array(1024).fill(7)
    const slice = shared.subarray(0, 512)
    expect(releaseMemory(slice)).toBe(false)
    expect(slice.byteLength).toBe(512)
    // Node's pool of small buffers: many Buffers, one ArrayBuffer.
    const pooled = Buffer.from('a small pooled buffer')
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength)
    expect(releaseMemory(pooled)).toBe(false)
    expect(pooled.toString()).toBe('a small pooled buffer')
  })

  it('leaves shared memory and already detached buffers alone', () => {
    expect(releaseMemory(new Uint8Array(new SharedArrayBuffer(16)))).toBe(false)
    const chunk = ownedChunk(randomBytes(16))
    releaseMemory(chunk)
    expect(releaseMemory(chunk)).toBe(false)
  })
})

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}
