import { randomBytes } from 'node:crypto'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRegistry, type MintedCredential, startLocalRegistry } from '../../src/index.js'
import { sha256 } from '../support/push.js'

// A request is authorized for the repository in its path; an upload session belongs to the
// repository it was opened in. A session id seen elsewhere (a log, a proxy) must not let a
// credential of one repository write into, finish or cancel a session of another.

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const admin = basicAuth(ADMIN.username, ADMIN.password)
const basic = (cred: MintedCredential): string => basicAuth(cred.username, cred.password)
const OWN = 'sessions/own'
const VICTIM = 'sessions/victim'
const CHUNK = Buffer.from('written through another repository')

describe("an upload session is reached only through its own repository's path", () => {
  let registry: LocalRegistry
  let cred: MintedCredential
  let session: string
  beforeAll(async () => {
    registry = await startLocalRegistry({ adminCredentials: ADMIN })
    cred = await registry.generateCredentials(OWN, 'push-pull', 300)
    const opened = await fetch(`${registry.url}/v2/${VICTIM}/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: admin },
    })
    expect(opened.status).toBe(202)
    session = opened.headers.get('docker-upload-uuid') ?? ''
  })
  afterAll(() => registry.close())

  const viaOwnPath = (method: string, query = '', body?: Buffer): Promise<Response> =>
    fetch(`${registry.url}/v2/${OWN}/blobs/uploads/${session}${query}`, {
      method,
      headers: { authorization: basic(cred), 'content-type': 'application/octet-stream' },
      ...(body && { body }),
    })

  it.each([
    ['GET', '', undefined],
    ['PATCH', '', CHUNK],
    ['PUT', `?digest=${sha256(CHUNK)}`, CHUNK],
    ['DELETE', '', undefined],
  ] as const)('%s answers 404 BLOB_UPLOAD_UNKNOWN', async (method, query, body) => {
    const res = await viaOwnPath(method, query, body)
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ errors: [{ code: 'BLOB_UPLOAD_UNKNOWN' }] })
  })

  it("leaves the other repository's session open and empty", async () => {
    const status = await fetch(`${registry.url}/v2/${VICTIM}/blobs/uploads/${session}`, {
      headers: { authorization: admin },
    })
    expect(status.status).toBe(204)
    expect(status.headers.get('range')).toBe('0-0')
    const blob = await fetch(`${registry.url}/v2/${OWN}/blobs/${sha256(CHUNK)}`, {
      method: 'HEAD',
      headers: { authorization: admin },
    })
    expect(blob.status).toBe(404)
  })
})
