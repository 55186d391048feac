import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { MemoryBlobStore } from '../../src/storage/memory-blob-store.js'

describe("MemoryBlobStore: an open blob's send", () => {
  it('sends a large blob in pieces of at most 512 KiB, each after the last has drained', async () => {
    // The send timeout counts a piece the client took as progress: one write of a whole large
    // blob would let a slow client that keeps reading look stalled.
    const store = new MemoryBlobStore()
    const bytes = randomBytes(5 * 512 * 1024 + 1000)
    await store.writeSmall('sha256:big', bytes)
    const writes: Buffer[] = []
    let pendingAtWrite = 0
    let pending = 0
    const destination = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, done) {
        writes.push(Buffer.from(chunk))
        pendingAtWrite = Math.max(pendingAtWrite, pending)
        pending += 1
        setImmediate(() => {
          pending -= 1
          done()
        })
      },
    })
    await (await store.open('sha256:big'))?.send(destination)
    expect(Math.max(...writes.map((w) => w.byteLength))).toBeLessThanOrEqual(512 * 1024)
    expect(pendingAtWrite).toBe(0)
    expect(Buffer.concat(writes).equals(bytes)).toBe(true)
  })

  it('sends a range in the same pieces', async () => {
    const store = new MemoryBlobStore()
    const bytes = randomBytes(3 * 512 * 1024)
    await store.writeSmall('sha256:big', bytes)
    const writes: Buffer[] = []
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        writes.push(Buffer.from(chunk))
        done()
      },
    })
    await (await store.open('sha256:big'))?.send(destination, {
      start: 100,
      end: 2 * 512 * 1024 + 99,
    })
    expect(writes.map((w) => w.byteLength)).toEqual([512 * 1024, 512 * 1024])
    expect(Buffer.concat(writes).equals(bytes.subarray(100, 2 * 512 * 1024 + 100))).toBe(true)
  })
})
