import { randomBytes } from 'node:crypto'
import { type ClientRequest, request } from 'node:http'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRegistry, type MintedCredential, startLocalRegistry } from '../../src/index.js'

// A request to an upload session waits its turn behind the request using the session (a long
// PATCH). A credential revoked while it waited must change nothing once its turn comes: neither
// end the session (someone else's push under way), by a cancel or by a commit whose digest does
// not match, nor write its body into it.

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const admin = basicAuth(ADMIN.username, ADMIN.password)
const basic = (cred: MintedCredential): string => basicAuth(cred.username, cred.password)
const FIRST = randomBytes(1024)

let registry: LocalRegistry
beforeAll(async () => {
  registry = await startLocalRegistry({ adminCredentials: ADMIN })
})
afterAll(() => registry.close())

let counter = 0

/** A session opened by the admin, with a PATCH of the admin's holding it until `finish`. */
async function busySession(): Promise<{
  repository: string
  location: URL
  finish(): Promise<number>
}> {
  const repository = `queued/app${++counter}`
  const started = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: { authorization: admin },
  })
  expect(started.status).toBe(202)
  const location = new URL(started.headers.get('location') ?? '', registry.url)
  const req: ClientRequest = request(location, {
    method: 'PATCH',
    agent: false,
    headers: { authorization: admin, 'content-type': 'application/octet-stream' },
  })
  const status = new Promise<number>((resolve, reject) => {
    req.once('response', (res) => {
      res.resume()
      res.once('end', () => resolve(res.statusCode ?? 0))
    })
    req.once('error', reject)
  })
  req.write(FIRST)
  // Nothing shows the PATCH holding the session: give it time to be authorized and start.
  await new Promise((r) => setTimeout(r, 300))
  return {
    repository,
    location,
    finish: () => {
      req.end()
      return status
    },
  }
}

const uploaded = async (location: URL): Promise<Response> => {
  const res = await fetch(location, { headers: { authorization: admin } })
  await res.arrayBuffer()
  return res
}

describe('a request queued on an upload session whose credential is revoked meanwhile', () => {
  it('does not cancel the session (401)', async () => {
    await expectRefusedOnceQueued((location, authorization) =>
      fetch(location, { method: 'DELETE', headers: { authorization } }),
    )
  })

  it('does not end the session with a commit of the wrong digest (401)', async () => {
    await expectRefusedOnceQueued((location, authorization) => {
      const commit = new URL(location)
      commit.searchParams.set('digest', `sha256:${'0'.repeat(64)}`)
      return fetch(commit, { method: 'PUT', headers: { authorization } })
    })
  })

  it('writes nothing of its body into the session (401)', async () => {
    await expectRefusedOnceQueued((location, authorization) =>
      fetch(location, {
        method: 'PATCH',
        headers: { authorization, 'content-type': 'application/octet-stream' },
        body: randomBytes(4096),
      }),
    )
  })

  /**
   * `send` with a push-pull credential of the session's repository while the session is busy, the
   * credential revoked while the request waits its turn: it must be answered 401 and leave the
   * session with the bytes it had.
   */
  async function expectRefusedOnceQueued(
    send: (location: URL, authorization: string) => Promise<Response>,
  ): Promise<void> {
    const session = await busySession()
    const cred = await registry.generateCredentials(session.repository, 'push-pull', 300)
    const queued = send(session.location, basic(cred))
    await new Promise((r) => setTimeout(r, 300))
    await registry.revokeCredentials({ username: cred.username })
    expect(await session.finish()).toBe(202)
    expect((await queued).status).toBe(401)
    const status = await uploaded(session.location)
    expect(status.status).toBe(204)
    expect(status.headers.get('range')).toBe(`0-${FIRST.length - 1}`)
  }
})
