import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { basic, errorCode, errorDetail, openRequest } from '../limits/raw-http.js'

// A session ends `uploadExpirySeconds` after it started, as distribution's purge ends it. The
// purge leaves a session with a request under way to its next run, so before each request checked
// the session's age, a client sending chunk after chunk kept its session, its slot and its disk
// for as long as it liked.

const REPOSITORY = 'lifetime/app'
const ADMIN = { username: 'admin', password: 'lifetime-admin-password' }
const AS_ADMIN = { authorization: basic(ADMIN.username, ADMIN.password) }
const EXPIRY_SECONDS = 1

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'upload-lifetime-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function start(options: { maxUploadSessionsPerCredential?: number } = {}): Promise<LocalRegistry> {
  return startLocalRegistry({
    dataDir: join(dir, 'data'),
    adminCredentials: ADMIN,
    logLevel: 'silent',
    uploadExpirySeconds: EXPIRY_SECONDS,
    ...options,
  })
}

/**
 * Start a session: its URL, and when it started, at the earliest (`startedAt`, before the request)
 * and at the latest (`startedUntil`, once answered).
 */
async function startSession(
  registry: LocalRegistry,
): Promise<{ url: URL; startedAt: number; startedUntil: number }> {
  const startedAt = Date.now()
  const res = await fetch(`${registry.url}/v2/${REPOSITORY}/blobs/uploads/`, {
    method: 'POST',
    headers: AS_ADMIN,
  })
  expect(res.status).toBe(202)
  const url = new URL(res.headers.get('location') ?? '', registry.url)
  return { url, startedAt, startedUntil: Date.now() }
}

/** PATCH one chunk at `offset`; the response's status and OCI error code. */
async function patch(url: URL, offset: number, chunk: Uint8Array) {
  const res = await fetch(url, {
    method: 'PATCH',
    headers: {
      ...AS_ADMIN,
      'content-type': 'application/octet-stream',
      'content-range': `${offset}-${offset + chunk.byteLength - 1}`,
    },
    body: chunk,
  })
  const body = await res.text()
  const code = res.ok
    ? undefined
    : (JSON.parse(body) as { errors: { code: string }[] }).errors[0]?.code
  return { status: res.status, code, location: res.headers.get('location') }
}

describe('an upload session past uploadExpirySeconds', () => {
  it('refuses the next chunk, however busy its client kept it, and is gone with its slot', async () => {
    await using registry = await start({ maxUploadSessionsPerCredential: 1 })
    const session = await startSession(registry)
    const chunk = randomBytes(1024)
    let url = session.url
    let offset = 0
    // Chunk after chunk, no pause, until just before the session's expiry…
    while (Date.now() < session.startedAt + EXPIRY_SECONDS * 1000 - 100) {
      const sent = await patch(url, offset, chunk)
      expect(sent.status).toBe(202)
      url = new URL(sent.location ?? '', registry.url)
      offset += chunk.byteLength
    }
    // …then the next one just after it. The registry's purge runs every second from the
    // registry's start, so its next run is most of a second away.
    await sleep(session.startedUntil + EXPIRY_SECONDS * 1000 + 50 - Date.now())
    expect(offset).toBeGreaterThan(0)
    expect(await patch(url, offset, chunk)).toMatchObject({
      status: 404,
      code: 'BLOB_UPLOAD_UNKNOWN',
    })
    // Removed then and there, its slot (the credential's only one) free for a new session.
    expect(await readdir(join(dir, 'data', 'uploads'))).toEqual([])
    await startSession(registry)
  })

  it('answers its status and its completion BLOB_UPLOAD_UNKNOWN', async () => {
    await using registry = await start()
    const session = await startSession(registry)
    await sleep(session.startedUntil + EXPIRY_SECONDS * 1000 + 50 - Date.now())
    const status = await fetch(session.url, { headers: AS_ADMIN })
    expect(status.status).toBe(404)
    // Said expired, or already purged by the periodic sweep on a loaded machine: unknown either way.
    const [error] = (
      JSON.parse(await status.text()) as { errors: { code: string; detail: unknown }[] }
    ).errors
    expect(error?.code).toBe('BLOB_UPLOAD_UNKNOWN')
    expect([null, 'upload session expired']).toContain(error?.detail)
    const finish = new URL(session.url)
    finish.searchParams.set('digest', `sha256:${'0'.repeat(64)}`)
    const put = await fetch(finish, { method: 'PUT', headers: AS_ADMIN })
    expect(put.status).toBe(404)
    await put.body?.cancel()
  })

  it('stops a body still arriving when the session expires', async () => {
    await using registry = await start()
    const session = await startSession(registry)
    const request = openRequest(session.url.href, {
      method: 'PATCH',
      path: session.url.pathname + session.url.search,
      headers: {
        ...AS_ADMIN,
        'content-type': 'application/octet-stream',
        'transfer-encoding': 'chunked',
      },
    })
    // 256 KiB every 50 ms (the server writes, and checks, about every 1 MiB), for up to three
    // times the session's lifetime.
    const sending = (async () => {
      const until = session.startedAt + EXPIRY_SECONDS * 3000
      while (Date.now() < until && !request.request.destroyed) {
        request.request.write(randomBytes(256 * 1024))
        await sleep(50)
      }
    })()
    const response = await request.response
    await sending
    expect(response.status).toBe(404)
    expect(errorCode(response)).toBe('BLOB_UPLOAD_UNKNOWN')
    expect(errorDetail(response)).toBe('upload session expired')
    expect(Date.now() - session.startedAt).toBeLessThan(EXPIRY_SECONDS * 2000)
  })
})
