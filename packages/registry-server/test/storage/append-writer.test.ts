import { createHash, randomBytes } from 'node:crypto'
import { statSync } from 'node:fs'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
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

  it("hands each write's chunks to onChunks once they are in the file, in order", async () => {
    const path = join(dir, 'data')
    const chunks = Array.from({ length: 40 }, () => ownedChunk(randomBytes(64 * 1024)))
    const copy = Buffer.concat(chunks)
    const file = await open(path, 'a')
    const seen: Buffer[] = []
    let onDisk = true
    const writer = new AppendWriter(file, 0, undefined, (written) => {
      const size = seen.reduce((sum, chunk) => sum + chunk.byteLength, 0)
      seen.push(...written.map((chunk) => Buffer.from(chunk)))
      const total = seen.reduce((sum, chunk) => sum + chunk.byteLength, 0)
      // Called after the write: the file already holds every byte handed over so far.
      onDisk &&= statSync(path).size >= total && total > size
      return undefined
    })
    try {
      for (const chunk of chunks) await writer.push(chunk)
      await writer.finish()
    } finally {
      await writer.settle()
      await file.close()
    }
    expect(onDisk).toBe(true)
    expect(Buffer.concat(seen).equals(copy)).toBe(true)
    // What onChunks did not take was still released.
    expect(chunks.every((chunk) => chunk.byteLength === 0)).toBe(true)
  })

  it('holds the next write back until the promise onChunks returned settles', async () => {
    const file = await open(join(dir, 'data'), 'a')
    let release: () => void = () => {}
    let calls = 0
    const writer = new AppendWriter(file, 0, undefined, () => {
      calls += 1
      return calls === 1 ? new Promise<void>((resolve) => (release = resolve)) : undefined
    })
    try {
      // Two full batches: the second waits for the first's write and its hand-over.
      await writer.push(ownedChunk(randomBytes(1024 * 1024)))
      const second = writer.push(ownedChunk(randomBytes(1024 * 1024)))
      let pushed = false
      void second.then(() => (pushed = true))
      await vi.waitFor(() => expect(calls).toBe(1), { timeout: 10_000 })
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect({ calls, pushed }).toEqual({ calls: 1, pushed: false })
      release()
      await second
      expect(await writer.finish()).toBe(2 * 1024 * 1024)
      expect(calls).toBe(2)
    } finally {
      await writer.settle()
      await file.close()
    }
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
