import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { imageManifest, pushBlob, sha256 } from '../support/push.js'

// Tags and repository names are strings clients choose. Each name an object inherits
// (`__proto__`, `toString`, `hasOwnProperty`, …) must behave like any other name, in memory, on
// disk, and on disk after a restart.
const INHERITED = Object.getOwnPropertyNames(Object.prototype)
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json'
// The OCI name grammar, to tell which inherited names can be repository names at all.
const REPOSITORY_NAME =
  /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'prototype-names-'))
})
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

/** Push a config and a layer into `repository` and return an image manifest over them. */
async function prepareManifest(url: string, repository: string): Promise<Buffer> {
  const config = Buffer.from(JSON.stringify({ repository }))
  const layer = Buffer.from(`a layer of ${repository}`)
  await pushBlob(url, repository, config)
  await pushBlob(url, repository, layer)
  return imageManifest({ digest: sha256(config), size: config.byteLength }, [
    { digest: sha256(layer), size: layer.byteLength },
  ])
}

function manifestUrl(url: string, repository: string, reference: string): string {
  return `${url}/v2/${repository}/manifests/${reference}`
}

async function status(url: string, method = 'GET', body?: Buffer): Promise<number> {
  const res = await fetch(url, {
    method,
    ...(body && { body, headers: { 'content-type': MANIFEST_TYPE } }),
  })
  await res.body?.cancel()
  return res.status
}

async function tags(url: string, repository: string): Promise<string[]> {
  const res = await fetch(`${url}/v2/${repository}/tags/list`)
  expect(res.status).toBe(200)
  return ((await res.json()) as { tags: string[] }).tags
}

async function catalog(url: string): Promise<string[]> {
  const res = await fetch(`${url}/v2/_catalog`)
  return ((await res.json()) as { repositories: string[] }).repositories
}

const STORES = [
  { store: 'memory', restarts: false },
  { store: 'the filesystem', restarts: true },
] as const

describe.each(STORES)('with $store as the store', ({ restarts }) => {
  let registry: LocalRegistry
  const start = (): Promise<LocalRegistry> =>
    startLocalRegistry({ ...(restarts && { dataDir }), logLevel: 'silent' })
  // Memory holds nothing across a restart: only the filesystem store is restarted.
  const restart = async (): Promise<void> => {
    if (!restarts) return
    await registry.close()
    registry = await start()
  }
  beforeEach(async () => {
    registry = await start()
  })
  afterEach(async () => {
    await registry.close()
  })

  it('every inherited name is a tag like any other: pushed, listed, pulled, deleted', async () => {
    const repository = 'inherited/tags'
    const manifest = await prepareManifest(registry.url, repository)
    const digest = sha256(manifest)
    expect(await status(manifestUrl(registry.url, repository, 'latest'), 'PUT', manifest)).toBe(201)
    for (const tag of INHERITED) {
      const url = manifestUrl(registry.url, repository, tag)
      expect([tag, await status(url)]).toEqual([tag, 404])
      expect([tag, await status(url, 'DELETE')]).toEqual([tag, 404])
      expect([tag, await status(url, 'PUT', manifest)]).toEqual([tag, 201])
    }
    const all = ['latest', ...INHERITED].sort()
    expect(await tags(registry.url, repository)).toEqual(all)

    await restart()
    expect(await tags(registry.url, repository)).toEqual(all)
    for (const tag of INHERITED) {
      const res = await fetch(manifestUrl(registry.url, repository, tag))
      expect([tag, res.status, res.headers.get('docker-content-digest')]).toEqual([
        tag,
        200,
        digest,
      ])
      expect(Buffer.from(await res.arrayBuffer()).equals(manifest)).toBe(true)
    }

    for (const tag of INHERITED) {
      const url = manifestUrl(registry.url, repository, tag)
      expect([tag, await status(url, 'DELETE')]).toEqual([tag, 202])
      expect([tag, await status(url)]).toEqual([tag, 404])
      expect([tag, await status(url, 'DELETE')]).toEqual([tag, 404])
    }
    expect(await tags(registry.url, repository)).toEqual(['latest'])
    await restart()
    expect(await tags(registry.url, repository)).toEqual(['latest'])
    expect(await status(manifestUrl(registry.url, repository, 'latest'))).toBe(200)
  })

  it('every inherited name is a repository name like any other, where the grammar allows it', async () => {
    const candidates = INHERITED.flatMap((name) => [name, `inherited/${name}`]).flatMap((name) => [
      name,
      name.toLowerCase(),
    ])
    const valid = [...new Set(candidates.filter((name) => REPOSITORY_NAME.test(name)))].sort()
    const invalid = [...new Set(candidates.filter((name) => !REPOSITORY_NAME.test(name)))]
    expect(valid).toContain('constructor')
    expect(valid).toContain('inherited/hasownproperty')

    for (const repository of valid) {
      expect([repository, await status(`${registry.url}/v2/${repository}/tags/list`)]).toEqual([
        repository,
        404,
      ])
      const manifest = await prepareManifest(registry.url, repository)
      const put = manifestUrl(registry.url, repository, 'v1')
      expect([repository, await status(put, 'PUT', manifest)]).toEqual([repository, 201])
    }
    for (const repository of invalid) {
      expect([repository, await status(`${registry.url}/v2/${repository}/tags/list`)]).toEqual([
        repository,
        400,
      ])
    }
    expect(await catalog(registry.url)).toEqual(valid)

    await restart()
    expect(await catalog(registry.url)).toEqual(valid)
    for (const repository of valid) expect(await tags(registry.url, repository)).toEqual(['v1'])

    for (const repository of valid) {
      const admin = `${registry.url}/_artifact-registry/repositories/${repository}`
      expect([repository, await status(admin, 'DELETE')]).toEqual([repository, 202])
    }
    expect(await catalog(registry.url)).toEqual([])
    await restart()
    expect(await catalog(registry.url)).toEqual([])
  })
})
