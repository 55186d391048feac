import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { imageManifest, pushBlob, sha256 } from '../support/push.js'

// Every name the OCI grammar and the server's 255-character limit allow must work on disk: no
// file name component may outgrow what a filesystem takes (255 bytes), however long the name and
// however many `/` it holds.
const LONG_NAMES = [
  'a'.repeat(251),
  'b'.repeat(255),
  Array.from({ length: 120 }, () => 'c').join('/'), // 239 characters, 119 of them `/`
  Array.from({ length: 128 }, (_, i) => String(i % 10)).join('/'), // 255 characters
  `team/${'d'.repeat(60)}/${'e-'.repeat(90)}e`,
]
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json'

let dataDir: string
let registry: LocalRegistry | undefined
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'long-names-'))
})
afterEach(async () => {
  await registry?.close()
  registry = undefined
  await rm(dataDir, { recursive: true, force: true })
})

async function start(): Promise<LocalRegistry> {
  await registry?.close()
  registry = await startLocalRegistry({ dataDir, logLevel: 'silent' })
  return registry
}

/** Push a one-layer image under `tag`; returns the manifest's digest. */
async function pushImage(url: string, repository: string, tag: string): Promise<string> {
  const config = Buffer.from(JSON.stringify({ repository }))
  const layer = Buffer.from(`a layer of ${repository}`)
  await pushBlob(url, repository, config)
  await pushBlob(url, repository, layer)
  const manifest = imageManifest({ digest: sha256(config), size: config.byteLength }, [
    { digest: sha256(layer), size: layer.byteLength },
  ])
  const res = await fetch(`${url}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    body: manifest,
    headers: { 'content-type': MANIFEST_TYPE },
  })
  expect(res.status, await res.text()).toBe(201)
  return sha256(manifest)
}

async function catalog(url: string): Promise<string[]> {
  return ((await (await fetch(`${url}/v2/_catalog`)).json()) as { repositories: string[] })
    .repositories
}

/** Every path under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String)
}

describe('repository names as long as the grammar allows, on disk', () => {
  it('the longest names push, pull, list and delete, before and after a restart', async () => {
    expect(LONG_NAMES.every((name) => name.length <= 255)).toBe(true)
    let server = await start()
    const digests = new Map<string, string>()
    for (const name of LONG_NAMES) digests.set(name, await pushImage(server.url, name, 'v1'))
    expect(await catalog(server.url)).toEqual([...LONG_NAMES].sort())

    server = await start()
    expect(await catalog(server.url)).toEqual([...LONG_NAMES].sort())
    for (const name of LONG_NAMES) {
      const res = await fetch(`${server.url}/v2/${name}/manifests/v1`)
      await res.body?.cancel()
      expect([name.length, res.status]).toEqual([name.length, 200])
      expect(res.headers.get('docker-content-digest')).toBe(digests.get(name))
      const tags = await fetch(`${server.url}/v2/${name}/tags/list`)
      expect(await tags.json()).toEqual({ name, tags: ['v1'] })
    }
    for (const file of await filesUnder(dataDir)) {
      for (const component of file.split('/')) {
        expect(Buffer.byteLength(component), file).toBeLessThanOrEqual(255)
      }
    }

    for (const name of LONG_NAMES) {
      const res = await fetch(`${server.url}/_artifact-registry/repositories/${name}`, {
        method: 'DELETE',
      })
      expect(res.status).toBe(202)
    }
    expect(await readdir(join(dataDir, 'repositories'))).toEqual([])
    server = await start()
    expect(await catalog(server.url)).toEqual([])
  })

  it('a name over 255 characters is 400 NAME_INVALID, and nothing is written', async () => {
    const server = await start()
    const name = Array.from({ length: 129 }, () => 'f').join('/') // 257 characters
    const res = await fetch(`${server.url}/v2/${name}/blobs/uploads/`, { method: 'POST' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe(
      'NAME_INVALID',
    )
    expect(await readdir(join(dataDir, 'repositories'))).toEqual([])
  })

  it('a data directory written before names were stored in records reads as it was', async () => {
    const digest = `sha256:${'0'.repeat(64)}`
    await mkdir(join(dataDir, 'repositories'), { recursive: true })
    // The former layout: the file name is the percent-encoded name, the record has no name.
    const record = { manifests: {}, tags: {}, blobs: { [digest]: true } }
    await writeFile(join(dataDir, 'repositories', 'team%2Fold-app.json'), JSON.stringify(record))
    const server = await start()
    expect(await catalog(server.url)).toEqual(['team/old-app'])

    // The next change keeps the same file, now with the name inside, and starts its log.
    await pushImage(server.url, 'team/old-app', 'v2')
    expect((await readdir(join(dataDir, 'repositories'))).sort()).toEqual([
      'team%2Fold-app.json',
      'team%2Fold-app.log',
    ])
    const rewritten = JSON.parse(
      await readFile(join(dataDir, 'repositories', 'team%2Fold-app.json'), 'utf8'),
    ) as { name?: string }
    expect(rewritten.name).toBe('team/old-app')
    const again = await start()
    expect(await catalog(again.url)).toEqual(['team/old-app'])
    const tags = await fetch(`${again.url}/v2/team/old-app/tags/list`)
    expect(await tags.json()).toEqual({ name: 'team/old-app', tags: ['v2'] })
  })
})
