import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import {
  errorCode,
  type OpenRequest,
  openRequest,
  type RawResponse,
  send,
  sha256,
  sleep,
} from './raw-http.js'

// Request bodies and headers that stop arriving, or trickle, are ended instead of waited for
// forever. Short timeouts here; the defaults are 30 s.
const TIMEOUT_SECONDS = 0.5
const TIMEOUT_MS = TIMEOUT_SECONDS * 1000

let registry: LocalRegistry
beforeAll(async () => {
  registry = await startLocalRegistry({
    headersTimeoutSeconds: TIMEOUT_SECONDS,
    bodyTimeoutSeconds: TIMEOUT_SECONDS,
    minBodyBytesPerSecond: 1024,
    logLevel: 'silent',
  })
})
afterAll(() => registry.close())

async function newSession(): Promise<string> {
  const post = await send(registry.url, {
    method: 'POST',
    path: '/v2/stall/app/blobs/uploads/',
    headers: { 'content-length': 0 },
  })
  expect(post.status, post.text).toBe(202)
  return String(post.headers.location)
}

function patch(location: string, headers: Record<string, string | number>): OpenRequest {
  return openRequest(registry.url, {
    method: 'PATCH',
    path: location,
    headers: { 'content-type': 'application/octet-stream', ...headers },
  })
}

async function uploadRange(location: string): Promise<string | undefined> {
  const status = await send(registry.url, { method: 'GET', path: location })
  expect(status.status, status.text).toBe(204)
  return status.headers.range
}

function expectTimedOut(response: RawResponse): void {
  expect(response.status, response.text).toBe(408)
  expect(errorCode(response)).toBe('REQUEST_TIMEOUT')
}

describe('stalled and trickling requests', () => {
  it('a body that stops arriving is answered 408 and its connection closed after the timeout', async () => {
    const request = patch(await newSession(), { 'content-length': 1024 * 1024 })
    request.request.write(randomBytes(2000))
    expectTimedOut(await request.response)
    const closedAfter = await request.closed
    expect(closedAfter).toBeGreaterThanOrEqual(TIMEOUT_MS)
    expect(closedAfter).toBeLessThan(TIMEOUT_MS * 3 + 500)
  })

  it('a body that trickles forever (50 bytes a second) is ended', async () => {
    const request = patch(await newSession(), { 'transfer-encoding': 'chunked' })
    let closed = false
    void request.closed.then(() => {
      closed = true
    })
    const started = performance.now()
    // Bounded: 10 s at most, far beyond the timeout.
    while (!closed && performance.now() - started < 10_000) {
      request.request.write('x')
      await sleep(20)
    }
    expect(closed).toBe(true)
    expect(await request.closed).toBeLessThan(TIMEOUT_MS * 3 + 500)
    expectTimedOut(await request.response)
  })

  it('a healthy body that lasts many timeouts is not cut', async () => {
    const location = await newSession()
    const request = patch(location, { 'transfer-encoding': 'chunked' })
    const chunk = randomBytes(16 * 1024)
    // 16 KiB every 50 ms for 2 s: four timeouts long, well above the minimum rate.
    for (let i = 0; i < 40; i++) {
      request.request.write(chunk)
      await sleep(50)
    }
    request.request.end()
    const response = await request.response
    expect(response.status, response.text).toBe(202)
    expect(response.headers.range).toBe(`0-${40 * chunk.length - 1}`)
  })

  it('a body the server is not reading yet is not blamed on its client', async () => {
    const location = await newSession()
    // The first PATCH holds the upload for four timeouts; the second waits for it, unread.
    const first = patch(location, { 'transfer-encoding': 'chunked' })
    const second = patch(location, { 'content-length': 1024 * 1024 })
    second.request.end(randomBytes(1024 * 1024))
    for (let i = 0; i < 40; i++) {
      first.request.write(randomBytes(16 * 1024))
      await sleep(50)
    }
    first.request.end()
    expect((await first.response).status).toBe(202)
    const response = await second.response
    expect(response.status, response.text).toBe(202)
    expect(response.headers.range).toBe(`0-${40 * 16 * 1024 + 1024 * 1024 - 1}`)
  })

  it('a chunk cut short by the timeout leaves the upload where it was', async () => {
    const location = await newSession()
    const first = randomBytes(100)
    const put = patch(location, { 'content-range': '0-99', 'content-length': 100 })
    put.request.end(first)
    expect((await put.response).status).toBe(202)

    const stalled = patch(location, { 'content-range': '100-1099', 'content-length': 1000 })
    stalled.request.write(randomBytes(300))
    expectTimedOut(await stalled.response)
    await stalled.closed
    expect(await uploadRange(location)).toBe('0-99')

    const rest = randomBytes(50)
    const finish = await send(
      registry.url,
      {
        method: 'PUT',
        path: `${location}?digest=${sha256(Buffer.concat([first, rest]))}`,
        headers: { 'content-range': '100-149', 'content-type': 'application/octet-stream' },
      },
      rest,
    )
    expect(finish.status, finish.text).toBe(201)
  })

  it('other clients are answered while bodies stall', async () => {
    const stalledRequests = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const request = patch(await newSession(), { 'content-length': 4096 })
        request.request.write('x')
        return request
      }),
    )
    // Answered while the stalled bodies are still in flight, not after the server ends them: an
    // order of events, so a loaded machine cannot turn it into a timing failure.
    let stalledAnswered = 0
    const count = (): void => {
      stalledAnswered++
    }
    for (const request of stalledRequests) void request.response.then(count, count)
    const version = await send(registry.url, { method: 'GET', path: '/v2/' })
    expect(version.status).toBe(200)
    expect(stalledAnswered).toBe(0)
    for (const request of stalledRequests) expectTimedOut(await request.response)
  })

  it('headers that never end are cut off after the headers timeout', async () => {
    const started = performance.now()
    const socket = connect(Number(new URL(registry.url).port), '127.0.0.1')
    socket.on('connect', () => socket.write('GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\n'))
    socket.resume()
    socket.on('error', () => {})
    await new Promise((resolve) => socket.once('close', resolve))
    const closedAfter = performance.now() - started
    expect(closedAfter).toBeGreaterThanOrEqual(TIMEOUT_MS)
    expect(closedAfter).toBeLessThan(TIMEOUT_MS * 3 + 500)
  })
})
