import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_WAITING_PER_CONNECTION } from '../../src/connection-turns.js'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { OciClient } from '../support/oci-client.js'
import { openFilesUnder, openFilesUnderAfter, sha256, sleep } from './raw-http.js'

// HTTP/1.1 pipelining: a client may send many requests before reading any answer. Each must
// wait its turn on the server too, not only on the wire: handled at once, one small packet of
// blob GETs held a file and a read buffer per request.

// One being handled, the rest waiting: as many as a connection may pipeline.
const REQUESTS = MAX_WAITING_PER_CONNECTION + 1
const BLOB_BYTES = 256 * 1024

let dataDir: string
let registry: LocalRegistry
let closing: Promise<void> | undefined
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pipelined-'))
  registry = await startLocalRegistry({ dataDir, logLevel: 'silent' })
  closing = undefined
})
afterEach(async () => {
  closing ??= registry.close()
  await Promise.race([closing, sleep(1000)])
  await rm(dataDir, { recursive: true, force: true })
})

/** Pushes a blob of `size` random bytes; returns its GET request line and headers. */
async function blobRequest(size: number): Promise<string> {
  const bytes = randomBytes(size)
  const digest = sha256(bytes)
  await new OciClient(registry.url).pushBlob('pipelined/app', bytes, digest)
  return `GET /v2/pipelined/app/blobs/${digest} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`
}

/** Writes `text` on a new connection and leaves it paused (nothing read). */
function sendPaused(text: string): Socket {
  const { hostname, port } = new URL(registry.url)
  const socket = connect(Number(port), hostname)
  socket.on('error', () => {})
  socket.pause()
  socket.write(text)
  return socket
}

/** `close()` finishes within 10 s, and no file of the data directory stays open. */
async function expectNothingLeft(): Promise<void> {
  expect(await openFilesUnderAfter(dataDir, 3000)).toBe(0)
  closing = registry.close()
  const closed = await Promise.race([closing.then(() => true), sleep(10_000)])
  expect(closed, 'close() did not finish within 10 s').toBe(true)
}

describe.skipIf(process.platform !== 'linux')('pipelined requests', () => {
  it(`${REQUESTS} blob GETs in one write hold one file at a time, and are all answered in order`, async () => {
    const bytes = randomBytes(BLOB_BYTES)
    const digest = sha256(bytes)
    await new OciClient(registry.url).pushBlob('pipelined/app', bytes, digest)
    const { hostname, port } = new URL(registry.url)
    const socket = connect(Number(port), hostname)
    socket.pause()
    const request = `GET /v2/pipelined/app/blobs/${digest} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`
    socket.write(request.repeat(REQUESTS))
    await sleep(500)
    expect(openFilesUnder(dataDir)).toBeLessThanOrEqual(1)

    // Read the answers one by one: a status line, headers, then exactly the blob's bytes.
    const bodies = await new Promise<Buffer[]>((resolve, reject) => {
      const answers: Buffer[] = []
      let pending = Buffer.alloc(0)
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk])
        for (;;) {
          const headEnd = pending.indexOf('\r\n\r\n')
          if (headEnd < 0) break
          const head = pending.subarray(0, headEnd).toString('latin1')
          const length = Number(/content-length: (\d+)/i.exec(head)?.[1])
          if (!head.startsWith('HTTP/1.1 200 ') || !Number.isSafeInteger(length)) {
            reject(new Error(`answer ${answers.length + 1}: ${head}`))
            return
          }
          if (pending.byteLength < headEnd + 4 + length) break
          answers.push(pending.subarray(headEnd + 4, headEnd + 4 + length))
          pending = pending.subarray(headEnd + 4 + length)
        }
        if (answers.length === REQUESTS) resolve(answers)
      })
      socket.on('error', reject)
      socket.on('close', () => reject(new Error(`closed after ${answers.length} answers`)))
      socket.resume()
    })
    socket.destroy()
    expect(bodies.every((body) => body.equals(bytes))).toBe(true)
  }, 60_000)

  it('one request past the cap is answered 503 after those before it, then the connection closed', async () => {
    const socket = sendPaused('GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(REQUESTS + 7))
    const answers = await new Promise<string[]>((resolve) => {
      let text = ''
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1')
      })
      socket.on('close', () =>
        resolve([...text.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1] ?? '')),
      )
      socket.resume()
    })
    // The client gets every answer the server owed it, and can send the rest again.
    expect(answers).toEqual([...Array(REQUESTS).fill('200'), '503'])
  })

  it('a connection with more requests waiting than the cap is closed, and the server stays free', async () => {
    // 100,000 pipelined requests (3 MB) kept one core busy for 109 s and every other client
    // waiting: each waited in memory, with a close listener of its own.
    const flood = 'GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(100_000)
    const socket = sendPaused(flood)
    let answers = 0
    const closed = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        answers += chunk.toString('latin1').match(/HTTP\/1\.1 /g)?.length ?? 0
      })
      socket.on('close', () => resolve())
      socket.resume()
    })
    const answered = await Promise.race([closed.then(() => true), sleep(20_000)])
    expect(answered, 'the server did not close the connection within 20 s').toBe(true)
    // Those the server owed before the cap, and one 503.
    expect(answers).toBeLessThanOrEqual(MAX_WAITING_PER_CONNECTION + 2)
    const started = Date.now()
    expect((await fetch(`${registry.url}/v2/`)).status).toBe(200)
    expect(Date.now() - started, 'another client waited').toBeLessThan(5000)
  }, 60_000)

  it('requests still waiting when the client goes away are never handled, and close() ends', async () => {
    const request = await blobRequest(16 * 1024 * 1024)
    const socket = sendPaused(request.repeat(3))
    await sleep(300)
    socket.destroy()
    await expectNothingLeft()
  })

  it("after a request Node refuses itself (no Host), the next ones wait for Node's answer", async () => {
    const request = await blobRequest(4 * 1024 * 1024)
    const socket = sendPaused(`GET /v2/ HTTP/1.1\r\n\r\n${request}${request}`)
    // Node answers 400 with Connection: close and closes: the two behind it are never answered.
    const answer = await new Promise<string>((resolve) => {
      let text = ''
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1')
      })
      socket.on('close', () => resolve(text))
      socket.resume()
    })
    expect(answer).toMatch(/^HTTP\/1\.1 400 /)
    expect(answer.match(/HTTP\/1\.1 /g)).toHaveLength(1)
    await expectNothingLeft()
  })

  it('a blob GET pipelined behind a refused manifest (Connection: close) holds no file', async () => {
    const request = await blobRequest(4 * 1024 * 1024)
    const tooLarge = 'PUT /v2/pipelined/app/manifests/latest HTTP/1.1\r\nHost: 127.0.0.1\r\n'
    const socket = sendPaused(
      `${tooLarge}Content-Type: application/vnd.oci.image.manifest.v1+json\r\n` +
        `Content-Length: ${64 * 1024 * 1024}\r\n\r\n{}${request}`,
    )
    await sleep(300)
    socket.destroy()
    await expectNothingLeft()
  })
})
