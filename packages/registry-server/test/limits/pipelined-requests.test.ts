import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { OciClient } from '../support/oci-client.js'
import { openFilesUnder, sha256, sleep } from './raw-http.js'

// HTTP/1.1 pipelining: a client may send many requests before reading any answer. Each must
// wait its turn on the server too, not only on the wire: handled at once, one small packet of
// blob GETs held a file and a read buffer per request.

const REQUESTS = 200
const BLOB_BYTES = 256 * 1024

let dataDir: string
let registry: LocalRegistry
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pipelined-'))
  registry = await startLocalRegistry({ dataDir, logLevel: 'silent' })
})
afterEach(async () => {
  await registry.close()
  await rm(dataDir, { recursive: true, force: true })
})

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
})
