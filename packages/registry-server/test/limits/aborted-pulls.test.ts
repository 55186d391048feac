import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { OciClient } from '../support/oci-client.js'
import { openFilesUnderAfter, sha256, sleep } from './raw-http.js'

// A client that goes away in the middle of a pull must not leave the blob's file open, its read
// buffers held, and the request counted as running (which holds up close()) for ever.

const PULLS = 150

let dataDir: string
let registry: LocalRegistry
let closing: Promise<void> | undefined
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'aborted-pulls-'))
  closing = undefined
})
afterEach(async () => {
  closing ??= registry.close()
  await Promise.race([closing, sleep(1000)])
  await rm(dataDir, { recursive: true, force: true })
})

/** GETs `path` and destroys the connection once more than `after` bytes of body have come. */
function pullAndAbort(url: string, after: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(url, (res) => {
      let received = 0
      res.on('data', (chunk: Buffer) => {
        received += chunk.byteLength
        if (received > after) {
          req.destroy()
          resolve()
        }
      })
      res.on('end', resolve)
    })
    req.on('error', () => resolve())
    req.end()
  })
}

describe.skipIf(process.platform !== 'linux')('pulls the client abandons', () => {
  it.each(['on disk', 'in memory'])(
    `leave no file open and no request running after ${PULLS} of them (blobs %s)`,
    async (where) => {
      registry = await startLocalRegistry({
        ...(where === 'on disk' ? { dataDir } : {}),
        logLevel: 'silent',
      })
      const bytes = randomBytes(16 * 1024 * 1024)
      const digest = sha256(bytes)
      await new OciClient(registry.url).pushBlob('aborted/pulls', bytes, digest)
      const url = `${registry.url}/v2/aborted/pulls/blobs/${digest}`
      // Stop at many different points, so that some stops land while a read is under way.
      for (let i = 0; i < PULLS; i += 1) await pullAndAbort(url, (i % 25) * 64 * 1024)
      expect(await openFilesUnderAfter(dataDir, 3000)).toBe(0)
      closing = registry.close()
      const closed = await Promise.race([closing.then(() => true), sleep(10_000)])
      expect(closed, 'close() did not finish within 10 s').toBe(true)
    },
    60_000,
  )
})
