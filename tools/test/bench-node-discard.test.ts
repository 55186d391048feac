import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { sha256 } from '@artifact-registry/test-kit'
import { afterAll, describe, expect, it } from 'vitest'
import { prepareAuth } from '../bench/auth.js'
import { pushMonolithic, startUpload, withDigest } from '../bench/client.js'
import { startNodeDiscard } from '../bench/registries.js'

// The benchmark's Node discard server is a bound on what a server built on Node's HTTP server can
// reach only if it really reads every byte of every body, as a registry must, and answers the
// benchmark's client as a registry would. The byte count it puts in `Range` shows the first; the
// client's own push, the second. Started from the sources, as the benchmark starts it compiled.

const server = await startNodeDiscard(await prepareAuth('none'))
const MiB = 2 ** 20
const REPO = 'bench/discard'

describe('the benchmark Node discard server', { timeout: 30_000 }, () => {
  afterAll(async () => {
    await server.close()
  })

  it('reads a whole body and answers the PUT with the claimed digest', async () => {
    const bytes = randomBytes(3 * MiB + 5)
    const digest = sha256(bytes)
    const res = await fetch(withDigest(await startUpload(server, REPO), digest), {
      method: 'PUT',
      body: bytes,
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('docker-content-digest')).toBe(digest)
    expect(res.headers.get('range')).toBe(`0-${bytes.byteLength - 1}`)
  })

  it('adds up the PATCHes of an upload, and keeps concurrent uploads apart', async () => {
    const sizes = [MiB + 1, 2 * MiB + 2, 3]
    const locations = await Promise.all(sizes.map(() => startUpload(server, REPO)))
    const ranges = await Promise.all(
      locations.map(async (location, i) => {
        const size = sizes[i] ?? 0
        for (let part = 0; part < 2; part++) {
          const patch = await fetch(location, { method: 'PATCH', body: randomBytes(size) })
          expect(patch.status).toBe(202)
        }
        const put = await fetch(withDigest(location, sha256(Buffer.alloc(0))), { method: 'PUT' })
        expect(put.status).toBe(201)
        return put.headers.get('range')
      }),
    )
    expect(ranges).toEqual(sizes.map((size) => `0-${2 * size - 1}`))
  })

  it('takes the benchmark client push it stands in for', async () => {
    const bytes = randomBytes(8 * MiB)
    await expect(
      pushMonolithic(server, REPO, { bytes, digest: sha256(bytes) }),
    ).resolves.toBeUndefined()
  })

  it('ends each body where its Content-Length says: a pipelined request after it is answered', async () => {
    const location = new URL(await startUpload(server, REPO))
    const body = randomBytes(100_000)
    const put = `PUT ${location.pathname}?digest=sha256:x HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.byteLength}\r\n\r\n`
    const post = `POST /v2/${REPO}/blobs/uploads/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`
    const heads = await exchange(Buffer.concat([Buffer.from(put), body, Buffer.from(post)]), 2)
    expect(heads.map((head) => head.split(' ')[1])).toEqual(['201', '202'])
    expect(heads[0]).toMatch(/\r\nRange: 0-99999\r\n/i)
  })

  it('refuses an upload it never started, and a method it does not serve', async () => {
    const unknown = new URL(`/v2/${REPO}/blobs/uploads/999999`, server.url)
    expect((await fetch(unknown, { method: 'PATCH', body: 'abc' })).status).toBe(404)
    const started = await startUpload(server, REPO)
    expect((await fetch(started, { method: 'GET' })).status).toBe(404)
  })
})

/** Writes `bytes` in one write on a new connection and returns the heads of `count` answers. */
function exchange(bytes: Buffer, count: number): Promise<string[]> {
  const { hostname, port } = new URL(server.url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes))
    let received = ''
    socket.on('error', reject)
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1')
      // Every answer of this server has an empty body: each ends with its head.
      const heads = received.split('\r\n\r\n').slice(0, -1)
      if (heads.length >= count) {
        socket.destroy()
        resolve(heads.map((head) => `${head}\r\n`))
      }
    })
  })
}
