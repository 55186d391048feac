import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type LocalRegistry,
  type LocalRegistryOptions,
  startLocalRegistry,
} from '../../src/index.js'
import {
  basic,
  errorCode,
  errorDetail,
  type OpenRequest,
  openDescriptors,
  openFilesUnder,
  openRequest,
  type RawResponse,
  send,
  sha256,
  sleep,
} from './raw-http.js'

// One push credential once held every file descriptor of the process: thousands of upload
// sessions, then PATCHes declaring 1 MiB and sending nothing. Upload sessions and bodies in
// flight are now capped per credential and in total, and a stalled body holds no file.

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const admin = basic(ADMIN.username, ADMIN.password)

let registry: LocalRegistry | undefined
let dataDir: string | undefined
const stalled: OpenRequest[] = []

afterEach(async () => {
  for (const request of stalled.splice(0)) request.destroy()
  await registry?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
  registry = undefined
  dataDir = undefined
})

async function start(limits: LocalRegistryOptions): Promise<LocalRegistry> {
  dataDir = await mkdtemp(join(tmpdir(), 'registry-caps-'))
  // The stalled bodies of these tests must stay in flight: a body timeout far beyond them.
  registry = await startLocalRegistry({
    dataDir,
    adminCredentials: ADMIN,
    bodyTimeoutSeconds: 600,
    logLevel: 'silent',
    ...limits,
  })
  return registry
}

async function pushCredential(repository: string): Promise<string> {
  const credential = await registry?.generateCredentials(repository, 'push-pull', 600)
  if (!credential) throw new Error('no registry')
  return basic(credential.username, credential.password)
}

function startSession(repository: string, authorization: string): Promise<RawResponse> {
  return send(url(), {
    method: 'POST',
    path: `/v2/${repository}/blobs/uploads/`,
    headers: { authorization, 'content-length': 0 },
  })
}

async function sessionLocation(repository: string, authorization: string): Promise<string> {
  const post = await startSession(repository, authorization)
  expect(post.status, post.text).toBe(202)
  return String(post.headers.location)
}

/** A PATCH that declares 1 MiB and sends nothing. */
function stallPatch(location: string, authorization: string): OpenRequest {
  const request = openRequest(url(), {
    method: 'PATCH',
    path: location,
    headers: {
      authorization,
      'content-type': 'application/octet-stream',
      'content-length': 1024 * 1024,
    },
  })
  stalled.push(request)
  return request
}

/** Push a small blob in one POST and tell how long it took. */
// "Answered quickly" means long before the stalled bodies end (their timeout is 600 s here). The
// bound is generous so a loaded machine cannot fail it; a starved client would wait minutes.
const PROMPTLY_MS = 15_000

async function timedPush(repository: string, authorization: string): Promise<number> {
  const bytes = randomBytes(1000)
  const started = performance.now()
  const post = await send(
    url(),
    {
      method: 'POST',
      path: `/v2/${repository}/blobs/uploads/?digest=${sha256(bytes)}`,
      headers: { authorization, 'content-type': 'application/octet-stream' },
    },
    bytes,
  )
  expect(post.status, post.text).toBe(201)
  return performance.now() - started
}

function expectTooMany(response: RawResponse, limit: string): void {
  expect(response.status, response.text).toBe(429)
  expect(errorCode(response)).toBe('TOOMANYREQUESTS')
  expect(errorDetail(response)).toMatchObject({ limit })
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0)
}

function url(): string {
  if (!registry) throw new Error('no registry')
  return registry.url
}

describe('upload caps', () => {
  it('one credential past its open upload sessions gets 429 with Retry-After; others still open theirs, until the total is reached', async () => {
    await start({ maxUploadSessionsPerCredential: 4, maxUploadSessions: 6 })
    const a = await pushCredential('caps/a')
    const b = await pushCredential('caps/b')
    const aSessions = []
    for (let i = 0; i < 4; i++) aSessions.push(await sessionLocation('caps/a', a))
    expectTooMany(await startSession('caps/a', a), 'upload sessions per credential')

    await sessionLocation('caps/b', b)
    await sessionLocation('caps/b', b)
    // Six open: the total is reached, for every credential, the admin included.
    expectTooMany(await startSession('caps/b', b), 'upload sessions')
    expectTooMany(await startSession('caps/admin', admin), 'upload sessions')

    // A finished or cancelled session frees its place at once.
    const cancel = await send(url(), {
      method: 'DELETE',
      path: aSessions[0] ?? '',
      headers: { authorization: a },
    })
    expect(cancel.status).toBe(204)
    await sessionLocation('caps/b', b)
    expectTooMany(await startSession('caps/b', b), 'upload sessions')
    const bytes = randomBytes(100)
    const finish = await send(
      url(),
      {
        method: 'PUT',
        path: `${aSessions[1]}?digest=${sha256(bytes)}`,
        headers: { authorization: a, 'content-type': 'application/octet-stream' },
      },
      bytes,
    )
    expect(finish.status, finish.text).toBe(201)
    await sessionLocation('caps/admin', admin)
    expectTooMany(await startSession('caps/admin', admin), 'upload sessions')
  })

  it('sessions left from before a restart still count', async () => {
    const first = await start({ maxUploadSessionsPerCredential: 2 })
    const a = await pushCredential('caps/a')
    await sessionLocation('caps/a', a)
    await sessionLocation('caps/a', a)
    await first.close()
    registry = await startLocalRegistry({
      dataDir: dataDir ?? '',
      adminCredentials: ADMIN,
      maxUploadSessionsPerCredential: 2,
      logLevel: 'silent',
    })
    expectTooMany(await startSession('caps/a', a), 'upload sessions per credential')
  })

  it('stalled bodies past a credential’s cap get 429 at once; another credential and the admin are answered quickly meanwhile', async () => {
    await start({ maxConcurrentUploadsPerCredential: 3, maxConcurrentUploads: 8 })
    const a = await pushCredential('caps/a')
    const b = await pushCredential('caps/b')
    for (let i = 0; i < 3; i++) stallPatch(await sessionLocation('caps/a', a), a)
    await sleep(300) // the server takes their places once it has their headers

    const started = performance.now()
    const refused = stallPatch(await sessionLocation('caps/a', a), a)
    const response = await refused.response
    expectTooMany(response, 'concurrent uploads per credential')
    expect(response.headers.connection).toBe('close')
    // The refused body is never read: its connection is closed, not left to the client.
    await refused.closed
    expect(performance.now() - started).toBeLessThan(PROMPTLY_MS)

    expect(await timedPush('caps/b', b)).toBeLessThan(PROMPTLY_MS)
    expect(await timedPush('caps/admin', admin)).toBeLessThan(PROMPTLY_MS)
    const catalog = await send(url(), {
      method: 'GET',
      path: '/v2/_catalog',
      headers: { authorization: admin },
    })
    expect(catalog.status).toBe(200)

    // The attacker lets go: its places come back.
    for (const request of stalled.splice(0)) request.destroy()
    await sleep(100)
    expect(await timedPush('caps/a', a)).toBeLessThan(PROMPTLY_MS)
  })

  it('the total of bodies in flight is capped across credentials', async () => {
    await start({ maxConcurrentUploadsPerCredential: 3, maxConcurrentUploads: 5 })
    const a = await pushCredential('caps/a')
    const b = await pushCredential('caps/b')
    for (let i = 0; i < 3; i++) stallPatch(await sessionLocation('caps/a', a), a)
    for (let i = 0; i < 2; i++) stallPatch(await sessionLocation('caps/b', b), b)
    await sleep(300)
    expectTooMany(
      await stallPatch(await sessionLocation('caps/b', b), b).response,
      'concurrent uploads',
    )
    // Requests without a body are not uploads: the admin still reads.
    const catalog = await send(url(), {
      method: 'GET',
      path: '/v2/_catalog',
      headers: { authorization: admin },
    })
    expect(catalog.status).toBe(200)
  })

  it('stalled bodies hold no upload file open, and descriptors do not grow with open sessions', async () => {
    await start({ maxConcurrentUploadsPerCredential: 64 })
    const a = await pushCredential('caps/a')
    const before = openDescriptors()
    const locations: string[] = []
    for (let i = 0; i < 50; i++) locations.push(await sessionLocation('caps/a', a))
    // The sessions' connections are closed; give the server a moment to close its ends.
    await sleep(200)
    expect(openDescriptors() - before).toBeLessThan(10)

    for (const location of locations.slice(0, 20)) stallPatch(location, a)
    await sleep(300)
    expect(openFilesUnder(dataDir ?? '')).toBe(0)
    // Each stalled PATCH holds two sockets in this process (the test's end and the server's).
    expect(openDescriptors() - before).toBeLessThanOrEqual(2 * 20 + 10)
  })

  it('a body whose client went away while it was being authorized gives its place back', async () => {
    // An `authorize` hook that answers once its request's client has gone, as one asking a slow
    // identity provider does (or the built-in auth verifying a token on a busy thread pool): the
    // response closed before the place was taken.
    let clientLeft: (() => void) | undefined
    registry = await startLocalRegistry({
      logLevel: 'silent',
      bodyTimeoutSeconds: 600,
      maxConcurrentUploadsPerCredential: 1,
      maxConcurrentUploads: 1,
      authorize: async ({ signal, request }) => {
        if (request.method === 'PATCH' && signal !== undefined && !signal.aborted) {
          await new Promise((resolve) => signal.addEventListener('abort', resolve))
          clientLeft?.()
        }
        return { ok: true, subject: 'pusher' }
      },
    })
    const location = await sessionLocation('caps/gone', '')
    const left = new Promise<void>((resolve) => {
      clientLeft = resolve
    })
    const gone = stallPatch(location, '')
    await sleep(300) // the server has its headers, and is authorizing it
    gone.destroy()
    await left
    await sleep(100)
    // The place the gone client would have held is free: pushes go on.
    expect(await timedPush('caps/gone', '')).toBeLessThan(PROMPTLY_MS)
    expect(await timedPush('caps/gone', '')).toBeLessThan(PROMPTLY_MS)
  })
})
