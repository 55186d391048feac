import { randomBytes } from 'node:crypto'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRegistry, type MintedCredential, startLocalRegistry } from '../../src/index.js'

// Deleting a repository revokes its credentials, but its open upload sessions used to stay: their
// bytes on disk and their slots in the caps until they expired (a day by default), and a
// credential of the repository created again under the name could append to them and finish them.

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const admin = basicAuth(ADMIN.username, ADMIN.password)
const basic = (cred: MintedCredential): string => basicAuth(cred.username, cred.password)
const DELETED = 'sessions/deleted'
const KEPT = 'sessions/kept'
const CHUNK = Buffer.from('bytes of an upload left open')

describe('deleting a repository ends its upload sessions', () => {
  let registry: LocalRegistry
  let deletedSession: string
  let keptSession: string
  beforeAll(async () => {
    registry = await startLocalRegistry({ adminCredentials: ADMIN })
    const before = await registry.generateCredentials(DELETED, 'push-pull', 300)
    deletedSession = await openWithChunk(DELETED, basic(before))
    keptSession = await openWithChunk(KEPT, admin)
    const deleted = await fetch(`${registry.url}/_artifact-registry/repositories/${DELETED}`, {
      method: 'DELETE',
      headers: { authorization: admin },
    })
    expect(deleted.status).toBe(202)
  })
  afterAll(() => registry.close())

  async function openWithChunk(repository: string, authorization: string): Promise<string> {
    const opened = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization },
    })
    expect(opened.status).toBe(202)
    const session = opened.headers.get('docker-upload-uuid') ?? ''
    const patched = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/${session}`, {
      method: 'PATCH',
      headers: { authorization, 'content-type': 'application/octet-stream' },
      body: CHUNK,
    })
    expect(patched.status).toBe(202)
    return session
  }

  const sessionStatus = (repository: string, session: string, authorization: string) =>
    fetch(`${registry.url}/v2/${repository}/blobs/uploads/${session}`, {
      headers: { authorization },
    })

  it('a credential of the repository created again cannot reach the old session', async () => {
    const after = await registry.generateCredentials(DELETED, 'push-pull', 300)
    const status = await sessionStatus(DELETED, deletedSession, basic(after))
    expect(status.status).toBe(404)
    expect(await status.json()).toMatchObject({ errors: [{ code: 'BLOB_UPLOAD_UNKNOWN' }] })
    const appended = await fetch(`${registry.url}/v2/${DELETED}/blobs/uploads/${deletedSession}`, {
      method: 'PATCH',
      headers: { authorization: basic(after), 'content-type': 'application/octet-stream' },
      body: CHUNK,
    })
    expect(appended.status).toBe(404)
  })

  it("leaves another repository's session open with its bytes", async () => {
    const status = await sessionStatus(KEPT, keptSession, admin)
    expect(status.status).toBe(204)
    expect(status.headers.get('range')).toBe(`0-${CHUNK.length - 1}`)
  })
})

describe('deleting a repository while one of its uploads is still receiving', () => {
  it('answers at once, and the upload stops at its next write', async () => {
    const registry = await startLocalRegistry({ adminCredentials: ADMIN })
    try {
      const cred = await registry.generateCredentials(DELETED, 'push-pull', 300)
      const opened = await fetch(`${registry.url}/v2/${DELETED}/blobs/uploads/`, {
        method: 'POST',
        headers: { authorization: basic(cred) },
      })
      const session = opened.headers.get('docker-upload-uuid') ?? ''
      // A body that sends one chunk and then waits: the PATCH holds the session's lock meanwhile.
      let sendMore = (_chunk: Uint8Array | null): void => {}
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array(CHUNK))
          sendMore = (chunk) => (chunk === null ? controller.close() : controller.enqueue(chunk))
        },
      })
      const patch = fetch(`${registry.url}/v2/${DELETED}/blobs/uploads/${session}`, {
        method: 'PATCH',
        headers: { authorization: basic(cred), 'content-type': 'application/octet-stream' },
        body,
        duplex: 'half',
      } as RequestInit)
      await until(
        async () => (await sessionStatus(registry, session)).headers.get('range') !== '0-0',
      )

      // Waiting for the PATCH, the delete would last as long as its client kept sending.
      const deleted = await fetch(`${registry.url}/_artifact-registry/repositories/${DELETED}`, {
        method: 'DELETE',
        headers: { authorization: admin },
      })
      expect(deleted.status).toBe(202)
      sendMore(new Uint8Array(1024 * 1024 + 1))
      sendMore(null)
      expect((await patch).status).toBe(401)
    } finally {
      await registry.close()
    }
  })
})

const sessionStatus = (registry: LocalRegistry, session: string): Promise<Response> =>
  fetch(`${registry.url}/v2/${DELETED}/blobs/uploads/${session}`, {
    headers: { authorization: admin },
  })

async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; !(await condition()); tries++) {
    if (tries > 200) throw new Error('the upload never received its first chunk')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
