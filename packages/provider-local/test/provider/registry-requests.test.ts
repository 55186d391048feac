import { randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  type LogEvent,
  startLocalRegistry,
  startTokenService,
} from '@artifact-registry/registry-server'
import { requireTool, startDockerRegistry } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { local, MARKER_DIGEST } from '../../src/index.js'
import { EMPTY_BLOB, EMPTY_BLOB_DIGEST } from '../../src/marker.js'
import { countingProxy } from '../support/counting-proxy.js'

// docs/cloud-calls.md#local: createRepository of a new name makes exactly these requests,
// counted from the registry's own request log (registry:2 keeps none: a proxy counts there). A
// HEAD of the marker's blob before uploading it is one request more for nothing: the upload is as
// small as the HEAD, and the registry takes a blob it holds. On registry:2, which opens an upload
// session instead of taking the blob in a POST, a second POST would be one more, and leave a
// session behind; behind our token service, a cached token is sent only with requests its scope
// allows, since any other earns a 401 and a token request.

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

const missing = requireTool('docker-registry')

describe.skipIf(missing)(`createRepository on registry:2 ${missing ?? ''}`.trim(), () => {
  it('finishes the upload session its POST opened: five requests, no session left open', async () => {
    await using registry2 = await startDockerRegistry()
    await using proxy = await countingProxy(registry2.url)
    await using registry = await local({ url: proxy.url, bindingName: 'r2' })
    proxy.take()
    await registry.createRepository('app')
    // registry:2 takes no blob in a POST: its 202 is a session, which the PUT of the blob ends.
    expect(proxy.take()).toEqual([
      `HEAD /v2/r2/app/manifests/${MARKER_DIGEST} 404`,
      'POST /v2/r2/app/blobs/uploads/ 202',
      expect.stringMatching(/^PUT \/v2\/r2\/app\/blobs\/uploads\/[\w-]+ 201$/),
      `PUT /v2/r2/app/manifests/${MARKER_DIGEST} 201`,
      `HEAD /v2/r2/app/manifests/${MARKER_DIGEST} 200`,
    ])
    const sessions = join(registry2.dataDir, 'docker/registry/v2/repositories/r2/app/_uploads')
    expect(await readdir(sessions).catch(() => [])).toEqual([])
  })

  it('behind the token service, sends each cached token only where its scope allows', async () => {
    await using setup = await behindTokenService()
    const { proxy, registry } = setup
    const marker = `/v2/r2/app/manifests/${MARKER_DIGEST}`
    proxy.take()
    await registry.createRepository('app')
    // One 401 for each scope the first time it is needed (pull, then push), none after.
    expect(proxy.take()).toEqual([
      `HEAD ${marker} 401`,
      `HEAD ${marker} 404`,
      'POST /v2/r2/app/blobs/uploads/ 401',
      'POST /v2/r2/app/blobs/uploads/ 202',
      expect.stringMatching(/^PUT \/v2\/r2\/app\/blobs\/uploads\/[\w-]+ 201$/),
      `PUT ${marker} 201`,
      `HEAD ${marker} 200`,
    ])
    await registry.deleteRepository('r2/app')
    expect(proxy.take()).toEqual([
      'DELETE /_artifact-registry/repositories/r2/app 404',
      'GET /v2/ 401', // where to revoke its credentials: the token service's realm
      'GET /v2/r2/app/tags/list 404',
      `GET ${marker} 200`,
      `DELETE ${marker} 401`,
      `DELETE ${marker} 202`,
      expect.stringMatching(/^DELETE \/v2\/r2\/app\/blobs\/sha256:\w+ 202$/),
    ])
  })

  it("never sends a repository's cached token with the requests of a repository nested under it", async () => {
    await using setup = await behindTokenService()
    const { proxy, registry } = setup
    // `r2/team`'s tokens are cached first; `r2/team/app` needs tokens of its own, once each.
    await registry.createRepository('team')
    proxy.take()
    await registry.createRepository('team/app')
    const marker = `/v2/r2/team/app/manifests/${MARKER_DIGEST}`
    expect(proxy.take()).toEqual([
      `HEAD ${marker} 401`,
      `HEAD ${marker} 404`,
      'POST /v2/r2/team/app/blobs/uploads/ 401',
      'POST /v2/r2/team/app/blobs/uploads/ 202',
      expect.stringMatching(/^PUT \/v2\/r2\/team\/app\/blobs\/uploads\/[\w-]+ 201$/),
      `PUT ${marker} 201`,
      `HEAD ${marker} 200`,
    ])
  })
})

/**
 * A registry:2 behind our token service, reached through a counting proxy, and a provider of the
 * binding `r2` on it; disposed in the reverse order.
 */
async function behindTokenService() {
  const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
  const tokens = await startTokenService({ admin })
  const registry2 = await startDockerRegistry({ auth: { token: tokens } })
  const proxy = await countingProxy(registry2.url)
  const registry = await local({ url: proxy.url, bindingName: 'r2', adminCredentials: admin })
  return {
    proxy,
    registry,
    async [Symbol.asyncDispose]() {
      await registry.close()
      await proxy[Symbol.asyncDispose]()
      await registry2[Symbol.asyncDispose]()
      await tokens.close()
    },
  }
}

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
