import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { errorCode, openRequest, type RawResponse, send, sha256, sleep } from './raw-http.js'

// A refused request changes nothing: a chunk whose length is not what its Content-Range says
// leaves the upload's offset and bytes as they were, and a single-request upload that fails
// leaves no session behind (nobody could name it: its id was never sent).

const OCTET = 'application/octet-stream'

describe.each(['memory', 'filesystem'])('refused requests (%s store)', (kind) => {
  let registry: LocalRegistry
  let dataDir: string | undefined
  beforeAll(async () => {
    dataDir = kind === 'filesystem' ? await mkdtemp(join(tmpdir(), 'registry-refused-')) : undefined
    registry = await startLocalRegistry({ dataDir, logLevel: 'silent' })
  })
  afterAll(async () => {
    await registry.close()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  /** A session holding `first` (10 bytes) as its first chunk. */
  async function sessionWithFirstChunk(first: Buffer): Promise<string> {
    const post = await send(registry.url, {
      method: 'POST',
      path: '/v2/refused/app/blobs/uploads/',
      headers: { 'content-length': 0 },
    })
    const location = String(post.headers.location)
    const chunk = await patch(location, first, { 'content-range': `0-${first.length - 1}` })
    expect(chunk.status, chunk.text).toBe(202)
    return location
  }

  function patch(
    location: string,
    body: Buffer,
    headers: Record<string, string | number>,
  ): Promise<RawResponse> {
    return send(
      registry.url,
      { method: 'PATCH', path: location, headers: { 'content-type': OCTET, ...headers } },
      body,
    )
  }

  /** A chunked body (no Content-Length): its length is known only at its end. */
  async function sendChunked(
    method: string,
    path: string,
    body: Buffer,
    range: string,
  ): Promise<RawResponse> {
    const request = openRequest(registry.url, {
      method,
      path,
      headers: { 'content-type': OCTET, 'content-range': range, 'transfer-encoding': 'chunked' },
    })
    request.request.write(body.subarray(0, 5))
    request.request.end(body.subarray(5))
    return request.response
  }

  /** The upload is still at 10 bytes, holding `first`: finishing it with `rest` gives their blob. */
  async function expectUnchanged(location: string, first: Buffer): Promise<void> {
    const status = await send(registry.url, { method: 'GET', path: location })
    expect(status.headers.range).toBe(`0-${first.length - 1}`)
    const rest = randomBytes(7)
    const digest = sha256(Buffer.concat([first, rest]))
    const put = await send(
      registry.url,
      {
        method: 'PUT',
        path: `${location}?digest=${digest}`,
        headers: { 'content-type': OCTET, 'content-range': `${first.length}-${first.length + 6}` },
      },
      rest,
    )
    expect(put.status, put.text).toBe(201)
  }

  /**
   * Opens a session holding a 10-byte first chunk, sends it the request `refuse` makes, and checks
   * that request was refused (with `code`, when given) and left the upload as it was.
   */
  async function expectRefusedAndUnchanged(
    refuse: (location: string, first: Buffer) => Promise<RawResponse>,
    code?: string,
  ): Promise<void> {
    const first = randomBytes(10)
    const location = await sessionWithFirstChunk(first)
    const refused = await refuse(location, first)
    expect(refused.status, refused.text).toBe(400)
    if (code !== undefined) expect(errorCode(refused)).toBe(code)
    await expectUnchanged(location, first)
  }

  it('a PATCH whose Content-Length is not its Content-Range is refused before a byte is written', async () => {
    await expectRefusedAndUnchanged(
      (location) => patch(location, randomBytes(30), { 'content-range': '10-19' }),
      'SIZE_INVALID',
    )
  })

  it('the headers alone decide that refusal: the body is not waited for', async () => {
    await expectRefusedAndUnchanged(async (location) => {
      const request = openRequest(registry.url, {
        method: 'PATCH',
        path: location,
        headers: { 'content-type': OCTET, 'content-range': '10-19', 'content-length': 30 },
      })
      const refused = await request.response
      request.destroy()
      return refused
    }, 'SIZE_INVALID')
  })

  it.each([
    ['longer', 30],
    ['shorter', 6],
  ])('a chunked PATCH %s than its Content-Range is refused and taken back', async (_, size) => {
    await expectRefusedAndUnchanged(
      (location) => sendChunked('PATCH', location, randomBytes(size), '10-19'),
      'SIZE_INVALID',
    )
  })

  it('a final PUT whose chunk is not its Content-Range commits nothing and keeps the upload as it was', async () => {
    await expectRefusedAndUnchanged((location, first) => {
      const body = randomBytes(20)
      const digest = sha256(Buffer.concat([first, body]))
      return sendChunked('PUT', `${location}?digest=${digest}`, body, '10-14')
    })
  })

  it.runIf(kind === 'filesystem')(
    'a single-request upload with a wrong digest or a broken body leaves no session',
    async () => {
      const uploads = join(dataDir ?? '', 'uploads')
      // Sessions of the other tests may be there; this test must add none.
      const before = await readdir(uploads)
      const bytes = randomBytes(4096)
      const wrong = await send(
        registry.url,
        {
          method: 'POST',
          path: `/v2/refused/app/blobs/uploads/?digest=${sha256(randomBytes(8))}`,
          headers: { 'content-type': OCTET },
        },
        bytes,
      )
      expect(wrong.status, wrong.text).toBe(400)
      expect(errorCode(wrong)).toBe('DIGEST_INVALID')
      expect(await readdir(uploads)).toEqual(before)

      const broken = openRequest(registry.url, {
        method: 'POST',
        path: `/v2/refused/app/blobs/uploads/?digest=${sha256(bytes)}`,
        headers: { 'content-type': OCTET, 'content-length': bytes.length },
      })
      broken.request.write(bytes.subarray(0, 1000))
      // Cut the body once its session exists, so the wait below sees it go (5 s at most).
      const sessions = async (): Promise<number> => (await readdir(uploads)).length
      for (let i = 0; i < 250 && (await sessions()) === before.length; i++) await sleep(20)
      expect(await sessions()).toBe(before.length + 1)
      broken.destroy()
      for (let i = 0; i < 250 && (await sessions()) > before.length; i++) await sleep(20)
      expect(await readdir(uploads)).toEqual(before)
    },
  )
})
