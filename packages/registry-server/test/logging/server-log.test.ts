import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LogEvent, startLocalRegistry, startTokenService } from '../../src/index.js'
import { startCli } from '../support/command.js'

const ADMIN = { username: 'admin', password: 'log-test-admin-secret' }
const AUTHORIZATION = basicAuth(ADMIN.username, ADMIN.password)
/** Every form of the admin's secret that must never reach a log. */
const SECRETS = [ADMIN.password, AUTHORIZATION, AUTHORIZATION.slice('Basic '.length)]

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'server-log-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Make every new upload fail inside the server: its folder is replaced by a file. */
async function breakUploads(dataDir: string): Promise<void> {
  await rm(join(dataDir, 'uploads'), { recursive: true, force: true })
  await writeFile(join(dataDir, 'uploads'), 'not a folder')
}

async function startUpload(url: string, query = ''): Promise<number> {
  const res = await fetch(`${url}/v2/app/blobs/uploads/${query}`, {
    method: 'POST',
    headers: { authorization: AUTHORIZATION },
  })
  await res.body?.cancel()
  return res.status
}

function expectNoSecrets(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret)
}

describe('startLocalRegistry logging', () => {
  it('logs a 5xx with its cause at the default level, and nothing of the Authorization header', async () => {
    const events: LogEvent[] = []
    await using registry = await startLocalRegistry({
      dataDir: dir,
      adminCredentials: ADMIN,
      logger: (event) => events.push(event),
    })
    const ok = await fetch(`${registry.url}/v2/`, { headers: { authorization: AUTHORIZATION } })
    expect(ok.status).toBe(200)
    await breakUploads(dir)
    expect(await startUpload(registry.url, '?digest-algorithm=sha256')).toBe(500)
    await expect.poll(() => events.length).toBe(1)

    const [event] = events
    expect(event).toMatchObject({
      level: 'error',
      msg: 'request failed',
      method: 'POST',
      path: '/v2/app/blobs/uploads/',
      status: 500,
      durationMs: expect.any(Number),
      error: {
        code: 'ENOTDIR',
        message: expect.stringContaining('uploads'),
        stack: expect.any(String),
      },
    })
    expect(JSON.stringify(events)).not.toContain('digest-algorithm')
    expectNoSecrets(JSON.stringify(events))
  })

  it('blanks the request’s credentials out of an error that quotes them', async () => {
    const events: LogEvent[] = []
    await using registry = await startLocalRegistry({
      authorize: ({ authorization }) => {
        throw new Error(`cannot decide for ${authorization}`)
      },
      logger: (event) => events.push(event),
    })
    expect(await startUpload(registry.url)).toBe(500)
    await expect.poll(() => events.length).toBe(1)
    expect(events[0]).toMatchObject({ error: { message: 'cannot decide for [redacted]' } })
    expectNoSecrets(JSON.stringify(events))
  })

  it('info: one line per request with method, path, status and duration; debug: query names only', async () => {
    const info: LogEvent[] = []
    const debug: LogEvent[] = []
    await using quiet = await startLocalRegistry({ logLevel: 'info', logger: (e) => info.push(e) })
    await using chatty = await startLocalRegistry({
      logLevel: 'debug',
      logger: (e) => debug.push(e),
    })
    for (const url of [quiet.url, chatty.url]) {
      const res = await fetch(`${url}/v2/app/tags/list?n=5&last=after-this`, {
        headers: { authorization: AUTHORIZATION },
      })
      await res.body?.cancel()
    }
    await expect.poll(() => info.length + debug.length).toBe(2)
    const line = { msg: 'request', method: 'GET', path: '/v2/app/tags/list', status: 404 }
    expect(info[0]).toMatchObject({ level: 'info', ...line, durationMs: expect.any(Number) })
    expect(info[0]).not.toHaveProperty('queryParameters')
    expect(debug[0]).toMatchObject({
      ...line,
      queryParameters: ['n', 'last'],
      errorCode: 'NAME_UNKNOWN',
    })
    expect(JSON.stringify([...info, ...debug])).not.toContain('after-this')
    expectNoSecrets(JSON.stringify([...info, ...debug]))
  })

  it('logs only the path of an absolute-form target, never the credentials in its authority', async () => {
    const events: LogEvent[] = []
    await using registry = await startLocalRegistry({
      adminCredentials: ADMIN,
      logLevel: 'info',
      logger: (event) => events.push(event),
    })
    // A request target may be a whole URL (RFC 9112 absolute-form), and a client configured with
    // one that carries userinfo sends it as it is; fetch would refuse it, so the request is raw.
    const target = `http://admin:${ADMIN.password}@${new URL(registry.url).host}/v2/?n=1`
    const socket = connect(registry.port, '127.0.0.1')
    socket.end(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
    socket.resume()
    await once(socket, 'close')
    await expect.poll(() => events.length).toBe(1)
    expect(events[0]).toMatchObject({ msg: 'request', method: 'GET', path: '/v2/', status: 401 })
    expectNoSecrets(JSON.stringify(events))
  })

  it('silent logs nothing, and an unknown level is a TypeError', async () => {
    const events: LogEvent[] = []
    await using registry = await startLocalRegistry({
      dataDir: dir,
      logLevel: 'silent',
      logger: (event) => events.push(event),
    })
    await breakUploads(dir)
    expect(await startUpload(registry.url)).toBe(500)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(events).toEqual([])
    await expect(startLocalRegistry({ logLevel: 'verbose' as 'info' })).rejects.toThrow(
      /logLevel must be one of silent, error, info, debug/,
    )
  })

  it('the token service logs its requests the same way, without the password it was sent', async () => {
    const events: LogEvent[] = []
    await using tokens = await startTokenService({
      admin: ADMIN,
      logLevel: 'info',
      logger: (event) => events.push(event),
    })
    const res = await fetch(`${tokens.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=password&username=admin&password=${ADMIN.password}&service=artifact-registry`,
    })
    expect(res.status).toBe(200)
    await expect.poll(() => events.length).toBe(1)
    expect(events[0]).toMatchObject({ msg: 'request', method: 'POST', path: '/token', status: 200 })
    expectNoSecrets(JSON.stringify(events))
  })
})

describe('artifact-registry-local serve logging', () => {
  const serve = (data: string, ...extra: string[]): string[] => [
    'serve',
    '--data',
    data,
    '--port',
    '0',
    '--admin-password',
    ADMIN.password,
    ...extra,
  ]

  it('--log-level info writes one JSON line per request to stderr', async () => {
    await using server = await startCli(serve(join(dir, 'data'), '--log-level', 'info'))
    const res = await fetch(`${server.url}/v2/`, { headers: { authorization: AUTHORIZATION } })
    expect(res.status).toBe(200)
    const line = await server.waitForStderr(/"msg":"request"/)
    expect(JSON.parse(line)).toMatchObject({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: 'info',
      method: 'GET',
      path: '/v2/',
      status: 200,
      durationMs: expect.any(Number),
    })
    expectNoSecrets(server.output().stderr)
  })

  it('by default logs a 5xx with its cause and no request lines', async () => {
    const data = join(dir, 'data')
    await using server = await startCli(serve(data))
    const ok = await fetch(`${server.url}/v2/`, { headers: { authorization: AUTHORIZATION } })
    expect(ok.status).toBe(200)
    await breakUploads(data)
    expect(await startUpload(server.url)).toBe(500)
    const line = JSON.parse(await server.waitForStderr(/"msg":"request failed"/))
    expect(line).toMatchObject({
      level: 'error',
      status: 500,
      path: '/v2/app/blobs/uploads/',
      error: { code: 'ENOTDIR' },
    })
    await server.stop()
    const { stderr } = server.output()
    expect(stderr).not.toContain('"msg":"request"')
    expectNoSecrets(stderr)
  })
})
