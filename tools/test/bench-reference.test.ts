import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { sha256 } from '@artifact-registry/test-kit'
import { afterAll, describe, expect, it } from 'vitest'
import { prepareAuth } from '../bench/auth.js'
import { pushChunked, pushMonolithic, startUpload, withDigest } from '../bench/client.js'
import { startReference } from '../bench/reference-server.js'
import type { Server } from '../bench/registries.js'

// The benchmark's C reference is only a gauge if it does the work it claims: every byte stored,
// the digest checked before a blob is kept. Here the benchmark's own client drives it, compiled
// from the source as the benchmark compiles it; a source that no longer compiles fails this file.
// On a machine without a C compiler and OpenSSL's headers the benchmark leaves its rows out, and
// these tests are skipped with the reason.

const started = await startReference(await prepareAuth('none'))
const skipped = 'skipped' in started ? started.skipped : undefined
if (skipped !== undefined) console.warn(skipped)

const MiB = 2 ** 20
const REPO = 'bench/reference'

// A reference that loses a request leaves its client waiting: fail soon rather than hang.
describe.skipIf(skipped !== undefined)(
  'the benchmark C reference server',
  { timeout: 30_000 },
  () => {
    const server = started as Server

    afterAll(async () => {
      await server.close()
    })

    it('stores a push of a whole number of flush steps and sends it back whole', async () => {
      // The benchmark's sizes are multiples of 16 MiB: the last write asks for a flush just as
      // the commit stops the flushing thread.
      for (const size of [32 * MiB, 16 * MiB + 123]) {
        const blob = blobOf(randomBytes(size))
        await pushMonolithic(server, REPO, blob)
        expect(await pulledWhole(blob)).toBe(true)
        await server.dropBlob(blob.digest)
      }
    })

    it('appends chunked PATCHes in order and commits them under their digest', async () => {
      const blob = blobOf(randomBytes(5 * MiB + 7))
      await pushChunked(server, REPO, blob, 2 * MiB)
      expect(await pulledWhole(blob)).toBe(true)
      await server.dropBlob(blob.digest)
    })

    it('keeps concurrent uploads apart', async () => {
      const blobs = Array.from({ length: 4 }, (_, i) => blobOf(randomBytes(3 * MiB + i)))
      await Promise.all(blobs.map((blob) => pushMonolithic(server, REPO, blob)))
      for (const blob of blobs) {
        expect(await pulledWhole(blob)).toBe(true)
        await server.dropBlob(blob.digest)
      }
    })

    it('refuses a body whose digest is not the one claimed, and keeps nothing', async () => {
      const bytes = randomBytes(3 * MiB)
      const claimed = sha256(randomBytes(16))
      const location = await startUpload(server, REPO)
      const res = await fetch(withDigest(location, claimed), {
        method: 'PUT',
        body: bytes,
        headers: { 'Content-Type': 'application/octet-stream' },
      })
      expect(res.status).toBe(400)
      expect((await fetch(blobUrl(claimed))).status).toBe(404)
      await expect(server.dropBlob(sha256(bytes))).rejects.toThrow(/ENOENT/)
    })

    it('takes a body sent in the same write as its head, and pipelined requests in order', async () => {
      const blob = blobOf(randomBytes(100_000))
      const target = new URL(withDigest(await startUpload(server, REPO), blob.digest))
      const put = Buffer.concat([
        Buffer.from(
          `PUT ${target.pathname}${target.search} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n`,
        ),
        blob.bytes,
      ])
      const [committed] = await exchange(put, 1)
      expect(committed?.status).toBe(201)
      const get = `GET /v2/${REPO}/blobs/${blob.digest} HTTP/1.1\r\nHost: x\r\n\r\n`
      const answers = await exchange(Buffer.from(get + get), 2)
      expect(answers.map((a) => a.status)).toEqual([200, 200])
      for (const answer of answers) expect(answer.body.equals(blob.bytes)).toBe(true)
      await server.dropBlob(blob.digest)
    })

    function blobUrl(digest: string): URL {
      return new URL(`/v2/${REPO}/blobs/${digest}`, server.url)
    }

    /** Whether a GET sends back exactly the blob's bytes (compared whole: a deep equal is slow). */
    async function pulledWhole(blob: { bytes: Buffer; digest: string }): Promise<boolean> {
      const res = await fetch(blobUrl(blob.digest))
      expect(res.status).toBe(200)
      return Buffer.from(await res.arrayBuffer()).equals(blob.bytes)
    }

    /** Writes `bytes` in one write on a new connection and reads `count` answers. */
    function exchange(bytes: Buffer, count: number): Promise<{ status: number; body: Buffer }[]> {
      const { hostname, port } = new URL(server.url)
      return new Promise((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => socket.write(bytes))
        let received = Buffer.alloc(0)
        socket.on('error', reject)
        socket.on('data', (chunk) => {
          received = Buffer.concat([received, chunk])
          const answers = parseAnswers(received)
          if (answers.length >= count) {
            socket.destroy()
            resolve(answers)
          }
        })
      })
    }
  },
)

function blobOf(bytes: Buffer): { bytes: Buffer; digest: string } {
  return { bytes, digest: sha256(bytes) }
}

/** The complete HTTP/1.1 answers at the start of `bytes` (each with a Content-Length). */
function parseAnswers(bytes: Buffer): { status: number; body: Buffer }[] {
  const answers = []
  let at = 0
  for (;;) {
    const end = bytes.indexOf('\r\n\r\n', at)
    if (end < 0) return answers
    const head = bytes.subarray(at, end).toString('latin1')
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0)
    if (bytes.byteLength < end + 4 + length) return answers
    const status = Number(head.split(' ')[1])
    answers.push({ status, body: bytes.subarray(end + 4, end + 4 + length) })
    at = end + 4 + length
  }
}
