import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { type LogEvent, startLocalRegistry } from '@artifact-registry/registry-server'
import { describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'
import { EMPTY_BLOB, EMPTY_BLOB_DIGEST } from '../../src/marker.js'

// docs/cloud-calls.md: createRepository of a new name makes exactly these requests, counted from
// the registry's own request log. A HEAD of the marker's blob before uploading it is one request
// more for nothing: the upload is as small as the HEAD, and the registry takes a blob it holds.

const NEW_REPOSITORY = [
  'HEAD /v2/{name}/manifests/{digest} 404',
  'POST /v2/{name}/blobs/uploads/ 201',
  'PUT /v2/{name}/manifests/{digest} 201',
  'HEAD /v2/{name}/manifests/{digest} 200',
]

describe('createRepository, counted at the registry', () => {
  it('makes four requests for a new name, none of them a HEAD of the blob', async () => {
    await using fixture = await registryWithLog()
    await using registry = await local({ url: fixture.url, adminCredentials: fixture.admin })
    await fixture.take()
    const { name } = await registry.createRepository('app')
    expect(await fixture.take(name)).toEqual(NEW_REPOSITORY)
  })

  it('makes the same four when the registry already holds the blob in that repository', async () => {
    await using fixture = await registryWithLog()
    await using registry = await local({ url: fixture.url, adminCredentials: fixture.admin })
    const name = 'artifacts/app'
    const upload = await fetch(
      `${fixture.url}/v2/${name}/blobs/uploads/?digest=${EMPTY_BLOB_DIGEST}`,
      {
        method: 'POST',
        body: EMPTY_BLOB,
        headers: { authorization: fixture.basic, 'content-type': 'application/octet-stream' },
      },
    )
    expect(upload.status).toBe(201)
    await fixture.take()
    expect((await registry.createRepository('app')).name).toBe(name)
    expect(await fixture.take(name)).toEqual(NEW_REPOSITORY)
    expect((await registry.getRepository(name)).createdAt).toBeInstanceOf(Date)
  })

  it('makes one request for a name that exists', async () => {
    await using fixture = await registryWithLog()
    await using registry = await local({ url: fixture.url, adminCredentials: fixture.admin })
    const { name } = await registry.createRepository('app')
    await fixture.take()
    await registry.createRepository('app')
    expect(await fixture.take(name)).toEqual(['HEAD /v2/{name}/manifests/{digest} 200'])
  })
})

/** Our registry with auth on, and the requests its log recorded since the last `take`. */
async function registryWithLog() {
  const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
  const events: LogEvent[] = []
  const server = await startLocalRegistry({
    adminCredentials: admin,
    logLevel: 'info',
    logger: (event) => {
      if (event.msg === 'request') events.push(event)
    },
  })
  let seen = 0
  return {
    url: server.url,
    admin,
    basic: `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`,
    /** `METHOD path status` of each request since the last call, `name` and digests as placeholders. */
    async take(name = ''): Promise<string[]> {
      // A request is logged when its response closes, which may follow the client's read.
      let count = -1
      while (count !== events.length) {
        count = events.length
        await sleep(10)
      }
      const fresh = events.slice(seen)
      seen = events.length
      return fresh.map((e) => {
        const path = String(e.path)
          .replace(`/v2/${name}/`, '/v2/{name}/')
          .replace(/sha256:[0-9a-f]{64}/, '{digest}')
        return `${String(e.method)} ${path} ${String(e.status)}`
      })
    },
    [Symbol.asyncDispose]: () => server.close(),
  }
}
