import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { Agent, request } from 'node:http'
import { connect as connectTcp, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect as connectTls } from 'node:tls'
import { createTestPki, type TestPki } from '@artifact-registry/test-kit'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { OciClient } from '../support/oci-client.js'
import { openFilesUnder, openFilesUnderAfter, sha256, sleep } from './raw-http.js'

// A client that asks for a blob and then stops reading must not hold the blob's file, the
// server's buffers and its connection for ever. Short timeouts here; the default is 60 s.
const SEND_TIMEOUT_SECONDS = 0.5
const BLOB_BYTES = 8 * 1024 * 1024

let pki: TestPki
beforeAll(async () => {
  pki = await createTestPki()
})

let dataDir: string
let registry: LocalRegistry | undefined
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stalled-sends-'))
})
afterEach(async () => {
  await registry?.close()
  registry = undefined
  await rm(dataDir, { recursive: true, force: true })
})

interface Setup {
  tls?: boolean
  /** Blobs kept in memory rather than under `dataDir`. */
  inMemory?: boolean
  sendTimeoutSeconds?: number
}

async function startWithBlob(
  setup: Setup = {},
): Promise<{ url: string; path: string; bytes: Buffer }> {
  const bytes = randomBytes(BLOB_BYTES)
  const digest = sha256(bytes)
  const options = {
    sendTimeoutSeconds: setup.sendTimeoutSeconds ?? SEND_TIMEOUT_SECONDS,
    logLevel: 'silent',
  } as const
  if (setup.inMemory) {
    registry = await startLocalRegistry(options)
    await new OciClient(registry.url).pushBlob('stalled/sends', bytes, digest)
  } else {
    // Pushed through a plain registry on the same data first: fetch cannot be given this test's CA.
    const plain = await startLocalRegistry({ dataDir, logLevel: 'silent' })
    try {
      await new OciClient(plain.url).pushBlob('stalled/sends', bytes, digest)
    } finally {
      await plain.close()
    }
    registry = await startLocalRegistry({
      ...options,
      dataDir,
      ...(setup.tls ? { tls: { cert: pki.certPem, key: pki.keyPem } } : {}),
    })
  }
  return { url: registry.url, path: `/v2/stalled/sends/blobs/${digest}`, bytes }
}

/** Sends a GET for `path` and reads nothing of the answer; the socket stays paused. */
function pullWithoutReading(url: string, path: string, tls: boolean): Socket {
  const { hostname, port } = new URL(url)
  const socket = tls
    ? connectTls({ host: hostname, port: Number(port), ca: pki.caPem })
    : connectTcp(Number(port), hostname)
  socket.pause()
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`)
  return socket
}

/** Reads what is left on a paused socket until it closes; returns how many bytes came. */
function drainUntilClosed(socket: Socket): Promise<number> {
  return new Promise((resolve) => {
    let received = 0
    socket.on('data', (chunk: Buffer) => {
      received += chunk.byteLength
    })
    socket.on('error', () => {})
    socket.on('close', () => resolve(received))
    socket.resume()
  })
}

describe.skipIf(process.platform !== 'linux')('responses the client stops taking', () => {
  it.each([
    ['HTTP', false],
    ['HTTPS', true],
  ])('over %s: the connection is closed and the blob file let go', async (_, tls) => {
    const { url, path } = await startWithBlob({ tls })
    const stalled = Array.from({ length: 5 }, () => pullWithoutReading(url, path, tls))
    let open = openFilesUnder(dataDir)
    for (let waited = 0; open < 5 && waited < 5000; waited += 20) {
      await sleep(20)
      open = openFilesUnder(dataDir)
    }
    expect(open).toBe(5)
    expect(await openFilesUnderAfter(dataDir, 10 * SEND_TIMEOUT_SECONDS * 1000)).toBe(0)
    for (const socket of stalled) {
      // The kernel's buffers held part of the blob; the rest never came.
      expect(await drainUntilClosed(socket)).toBeLessThan(BLOB_BYTES)
    }
  })

  it.each([
    ['on disk', false],
    ['in memory', true],
  ])(
    'a client that reads slowly but keeps taking gets the whole blob (%s)',
    async (_, inMemory) => {
      // A timeout well above one piece's time (about 0.35 s), which a loaded machine stretches.
      const { url, path, bytes } = await startWithBlob({ inMemory, sendTimeoutSeconds: 2.5 })
      const received = await new Promise<Buffer>((resolve, reject) => {
        request(new URL(path, url), { agent: false }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => {
            chunks.push(chunk)
            // About 1.5 MB/s: the blob takes two timeouts and more, each 512 KiB piece a seventh.
            res.pause()
            setTimeout(() => res.resume(), 40)
          })
          res.on('end', () => resolve(Buffer.concat(chunks)))
          res.on('error', reject)
        })
          .on('error', reject)
          .end()
      })
      expect(received.equals(bytes)).toBe(true)
    },
    30_000,
  )

  it('an idle kept-alive connection is not closed: nothing waits to be sent on it', async () => {
    const { url } = await startWithBlob()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const get = (): Promise<{ status: number; reused: boolean }> =>
      new Promise((resolve, reject) => {
        const req = request(new URL('/v2/', url), { agent }, (res) => {
          res.resume()
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }))
        })
        req.on('error', reject).end()
      })
    try {
      expect(await get()).toEqual({ status: 200, reused: false })
      await sleep(4 * SEND_TIMEOUT_SECONDS * 1000)
      expect(await get()).toEqual({ status: 200, reused: true })
    } finally {
      agent.destroy()
    }
  })
})

describe('sendTimeoutSeconds', () => {
  it.each([0, -1, Number.NaN, 3_000_000])('%s is refused with a TypeError', async (value) => {
    await expect(startLocalRegistry({ sendTimeoutSeconds: value })).rejects.toThrow(
      new TypeError('sendTimeoutSeconds must be a number of seconds above 0, at most 2147483'),
    )
  })
})
