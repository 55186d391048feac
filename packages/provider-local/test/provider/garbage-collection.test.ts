import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'

const MiB = 1024 * 1024
const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-gc-'))
})
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

/** Push a config, `layers` and a manifest over them with the credentials, as a client would. */
async function pushImage(
  endpoint: string,
  repository: string,
  credentials: ArtifactRegistryCredentials,
  layers: Buffer[],
): Promise<void> {
  const authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
  const config = Buffer.from('{}')
  for (const blob of [config, ...layers]) {
    const res = await fetch(
      `${endpoint}/v2/${repository}/blobs/uploads/?digest=${digestOf(blob)}`,
      { method: 'POST', body: blob, headers: { authorization } },
    )
    expect(res.status).toBe(201)
  }
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: digestOf(config),
      size: 2,
    },
    layers: layers.map((layer) => ({
      mediaType: 'application/vnd.oci.image.layer.v1.tar',
      digest: digestOf(layer),
      size: layer.byteLength,
    })),
  })
  const res = await fetch(`${endpoint}/v2/${repository}/manifests/v1`, {
    method: 'PUT',
    body: manifest,
    headers: { authorization, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
  })
  expect(res.status).toBe(201)
}

async function blobBytes(dir: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(join(dir, 'blobs'), { recursive: true, withFileTypes: true }))
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size
  return total
}

describe('collectGarbage() gives back what deleted repositories held', () => {
  it('on the embedded registry', async () => {
    await using provider = await local({
      dataDir,
      gcGracePeriodSeconds: 0,
      gcIntervalSeconds: 0,
      adminCredentials: ADMIN,
    })
    const { name } = await provider.createRepository('app')
    const credentials = await provider.generateCredentials(name, 'push-pull')
    await pushImage(provider.registryEndpoint, name, credentials, [randomBytes(4 * MiB)])
    expect(await blobBytes(dataDir)).toBeGreaterThan(4 * MiB)

    await provider.deleteRepository(name)
    const result = await provider.collectGarbage()
    // The repository marker's manifest, the empty config it shares with the image, the layer and
    // the image's manifest.
    expect(result).toMatchObject({ deleted: 4, spared: 0 })
    expect(result.freedBytes).toBeGreaterThan(4 * MiB)
    expect(await blobBytes(dataDir)).toBe(0)
  })

  it('on our registry at a url, through its admin endpoint', async () => {
    await using server = await startLocalRegistry({
      dataDir,
      adminCredentials: ADMIN,
      gcGracePeriodSeconds: 0,
      gcIntervalSeconds: 0,
      logLevel: 'silent',
    })
    await using provider = await local({ url: server.url, adminCredentials: ADMIN })
    const { name } = await provider.createRepository('app')
    const credentials = await provider.generateCredentials(name, 'push-pull')
    await pushImage(provider.registryEndpoint, name, credentials, [randomBytes(2 * MiB)])
    await provider.deleteRepository(name)
    const result = await provider.collectGarbage()
    expect(result.deleted).toBe(4)
    expect(result.freedBytes).toBeGreaterThan(2 * MiB)
    expect(await blobBytes(dataDir)).toBe(0)
  })

  it('is NOT_SUPPORTED by a registry without the endpoint (a registry:2)', async () => {
    // Answers the OCI base endpoint and 404 to anything else, as a registry:2 does to our paths.
    const registry2 = createServer((req, res) => {
      res.writeHead(req.url === '/v2/' ? 200 : 404, { 'content-type': 'application/json' })
      res.end('{}')
    })
    await new Promise<void>((resolve) => registry2.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = registry2.address() as AddressInfo
      await using provider = await local({
        url: `http://127.0.0.1:${port}`,
        adminCredentials: ADMIN,
      })
      await expect(provider.collectGarbage()).rejects.toMatchObject({
        code: 'NOT_SUPPORTED',
        message: expect.stringContaining('no online garbage collection'),
      })
    } finally {
      registry2.close()
    }
  })

  it('gcIntervalSeconds is for the embedded registry, and a number of seconds', async () => {
    await expect(local({ url: 'http://127.0.0.1:1', gcIntervalSeconds: 60 })).rejects.toMatchObject(
      { code: 'INVALID_CONFIG' },
    )
    await expect(local({ gcGracePeriodSeconds: -1 })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining('gcGracePeriodSeconds must be a number of seconds'),
    })
  })
})
