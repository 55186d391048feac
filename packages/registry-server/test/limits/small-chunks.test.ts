import { randomBytes } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { mkdtemp, rm } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CompactChunkList } from '../../src/compact-chunk-list.js'
import { readBody } from '../../src/http.js'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { AppendWriter } from '../../src/storage/append-writer.js'
import { heapUsedAfterGc } from './heap.js'
import { openRequest, send, sha256, trickle } from './raw-http.js'

// A client may send a body one byte per TCP segment: the server then receives one-byte chunks,
// each a Buffer of its own at ~70 bytes of heap. Whatever holds a body's chunks must hold a
// bounded number of them, or a few connections trickling small bodies cost megabytes each.

/** Heap per byte of body the server may hold, in bytes; one Buffer per byte took ~70. */
const MAX_HEAP_PER_BODY_BYTE = 16
/** The default `maxManifestBytes`: the largest body `readBody` reads. */
const MANIFEST_LIMIT = 4 * 1024 * 1024

/** A chunk as a socket read brings it: a buffer of its own. */
function ownChunk(bytes: Uint8Array): Buffer {
  return Buffer.from(new Uint8Array(bytes).buffer)
}

/** A file that takes every `writev` at once and remembers the chunks of each. */
function recordingFile(): { file: FileHandle; writes: Uint8Array[][] } {
  const writes: Uint8Array[][] = []
  const writev = async (chunks: Uint8Array[]) => {
    writes.push([...chunks])
    return { bytesWritten: chunks.reduce((sum, c) => sum + c.byteLength, 0), buffers: chunks }
  }
  return { file: { writev } as unknown as FileHandle, writes }
}

describe('AppendWriter with tiny chunks', () => {
  it('writes a body sent one byte at a time as it comes, holding at most two batches of 1024 chunks', async () => {
    const { file, writes } = recordingFile()
    const writer = new AppendWriter(file)
    const chunks = 100_000
    let mostHeld = 0
    for (let i = 0; i < chunks; i++) {
      await writer.push(ownChunk(Buffer.of(i & 0xff)))
      const written = writes.reduce((sum, write) => sum + write.length, 0)
      mostHeld = Math.max(mostHeld, i + 1 - written)
    }
    expect(await writer.finish()).toBe(chunks)
    expect(mostHeld).toBeLessThanOrEqual(2 * 1024)
    expect(Math.max(...writes.map((write) => write.length))).toBeLessThanOrEqual(1024)
  })

  it('still gathers 64 KiB chunks into 1 MiB writes of the very chunks it was given', async () => {
    const { file, writes } = recordingFile()
    const writer = new AppendWriter(file)
    const chunks = Array.from({ length: 64 }, () => ownChunk(randomBytes(64 * 1024)))
    for (const chunk of chunks) await writer.push(chunk)
    expect(await writer.finish()).toBe(64 * 64 * 1024)
    expect(writes.map((write) => write.length)).toEqual([16, 16, 16, 16])
    // Not copied: the upload path's speed depends on it.
    expect(writes.flat().every((chunk, i) => chunk === chunks[i])).toBe(true)
  })
})

describe('CompactChunkList', () => {
  it('holds a body of one-byte chunks in one buffer per 256 bytes, in order', () => {
    const body = randomBytes(100_000)
    const list = new CompactChunkList()
    for (const byte of body) list.push(ownChunk(Buffer.of(byte)))
    expect(list.byteLength).toBe(body.byteLength)
    expect(list.bufferCount).toBeLessThanOrEqual(Math.ceil(body.byteLength / 256) + 256)
    expect(list.concat().equals(body)).toBe(true)
  })

  it('keeps large chunks as they came, between runs of small ones', () => {
    const first = ownChunk(randomBytes(64 * 1024))
    const second = ownChunk(randomBytes(16 * 1024))
    const pieces = [Buffer.of(1), first, Buffer.of(2), Buffer.of(3), second, Buffer.of(4)]
    const list = new CompactChunkList()
    for (const piece of pieces) list.push(piece)
    const held = list.chunks()
    expect(held).toHaveLength(5)
    expect(held[1]).toBe(first)
    expect(held[3]).toBe(second)
    expect(list.concat().equals(Buffer.concat(pieces))).toBe(true)
  })
})

describe('readBody with tiny chunks', () => {
  it('holds a body that arrives one byte at a time in a few bytes of heap per byte', async () => {
    const body = randomBytes(200_000)
    // Each chunk pushed once the previous one is read, as from a socket that trickles.
    const stream = new Readable({ objectMode: true, read() {} })
    const req = Object.assign(stream, { headers: {} }) as unknown as IncomingMessage
    const reading = readBody(req, MANIFEST_LIMIT)
    const heapBefore = heapUsedAfterGc()
    for (const byte of body.subarray(0, -1)) {
      stream.push(ownChunk(Buffer.of(byte)))
      await nextTurn()
    }
    const heapHolding = heapUsedAfterGc()
    stream.push(ownChunk(body.subarray(-1)))
    stream.push(null)
    expect((await reading).equals(body)).toBe(true)
    const perByte = (heapHolding - heapBefore) / body.byteLength
    expect(perByte).toBeLessThan(MAX_HEAP_PER_BODY_BYTE)
  })
})

describe('an upload sent one byte per TCP segment', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'small-chunks-'))
  })
  afterAll(() => rm(dataDir, { recursive: true, force: true }))

  for (const store of ['memory', 'filesystem'] as const) {
    it(`costs the ${store} store a few bytes of heap per byte, and commits with its digest`, async () => {
      await using registry: LocalRegistry = await startLocalRegistry({
        logLevel: 'silent',
        ...(store === 'filesystem' && { dataDir }),
      })
      const post = await send(registry.url, {
        method: 'POST',
        path: '/v2/trickle/app/blobs/uploads/',
      })
      expect(post.status, post.text).toBe(202)
      const location = String(post.headers.location)
      const body = randomBytes(100_000)
      const patch = openRequest(registry.url, {
        method: 'PATCH',
        path: location,
        headers: { 'content-type': 'application/octet-stream', 'content-length': body.byteLength },
      })
      const heapBefore = heapUsedAfterGc()
      await trickle(patch.request, body.subarray(0, -1))
      const heapHolding = heapUsedAfterGc()
      patch.request.end(body.subarray(-1))
      const patched = await patch.response
      expect(patched.status, patched.text).toBe(202)
      expect(patched.headers.range).toBe(`0-${body.byteLength - 1}`)

      const digest = sha256(body)
      const put = await send(registry.url, { method: 'PUT', path: `${location}?digest=${digest}` })
      expect(put.status, put.text).toBe(201)
      const blob = await fetch(`${registry.url}/v2/trickle/app/blobs/${digest}`)
      expect(sha256(new Uint8Array(await blob.arrayBuffer()))).toBe(digest)
      const perByte = (heapHolding - heapBefore) / body.byteLength
      expect(perByte).toBeLessThan(MAX_HEAP_PER_BODY_BYTE)
    })
  }
})
