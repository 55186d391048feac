import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startRegistryProcess } from '../support/command.js'
import { imageManifest, pushBlob, pushImage, sha256 } from '../support/push.js'
import { checkStore, hashFile } from '../support/store-check.js'

const MiB = 1024 * 1024
const dirs: string[] = []

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'registry-crash-'))
  dirs.push(dir)
  return dir
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('durability: SIGKILL and restart on the same directory', () => {
  it('a large blob upload killed midway leaves no partial blob, and it resumes', async () => {
    const dir = await dataDir()
    const data = randomBytes(96 * MiB)
    const digest = sha256(data)
    let registry = await startRegistryProcess(dir)
    const auth = { authorization: registry.authorization }
    const earlier = await pushImage(registry.url, 'crash/app', 'v1', 'earlier', auth)

    const start = await fetch(`${registry.url}/v2/crash/big/blobs/uploads/`, {
      method: 'POST',
      headers: auth,
    })
    const location = new URL(start.headers.get('location') ?? '', registry.url)
    const slowBody = new ReadableStream<Uint8Array>({
      async pull(controller) {
        for (let offset = 0; offset < data.byteLength; offset += MiB) {
          controller.enqueue(data.subarray(offset, offset + MiB))
          await new Promise((r) => setTimeout(r, 2))
        }
        controller.close()
      },
    })
    const patch = fetch(location, {
      method: 'PATCH',
      body: slowBody,
      headers: auth,
      duplex: 'half',
    } as RequestInit).catch((e: unknown) => e)
    await waitFor(async () => {
      const status = await fetch(location, { headers: auth })
      const end = Number(status.headers.get('range')?.split('-')[1] ?? 0)
      return end > 32 * MiB
    }, 30_000)
    await registry.kill()
    await patch

    const afterCrash = await checkStore(dir)
    expect(afterCrash.problems).toEqual([])
    expect(afterCrash.blobs.has(digest)).toBe(false)

    registry = await startRegistryProcess(dir)
    await using _ = registry
    const image = await fetch(`${registry.url}/v2/crash/app/manifests/v1`, { headers: auth })
    expect(image.status).toBe(200)
    expect(image.headers.get('docker-content-digest')).toBe(earlier)
    const partial = await fetch(`${registry.url}/v2/crash/big/blobs/${digest}`, {
      method: 'HEAD',
      headers: auth,
    })
    expect(partial.status).toBe(404)

    // The restarted registry has a new port; the upload's path stays valid.
    const resumed = new URL(location.pathname, registry.url)
    const status = await fetch(resumed, { headers: auth })
    expect(status.status).toBe(204)
    const offset = Number(status.headers.get('range')?.split('-')[1]) + 1
    expect(offset).toBeGreaterThan(32 * MiB)
    const rest = await fetch(resumed, {
      method: 'PATCH',
      body: data.subarray(offset),
      headers: { ...auth, 'content-range': `${offset}-${data.byteLength - 1}` },
    })
    expect(rest.status).toBe(202)
    const finish = new URL(rest.headers.get('location') ?? '', registry.url)
    finish.searchParams.set('digest', digest)
    expect((await fetch(finish, { method: 'PUT', headers: auth })).status).toBe(201)
    const blobPath = join(dir, 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7))
    expect(await hashFile(blobPath, 'sha256')).toBe(digest)
    expect((await checkStore(dir)).problems).toEqual([])
  }, 120_000)

  it('a manifest PUT killed midway leaves the manifest absent and earlier images intact', async () => {
    const dir = await dataDir()
    let registry = await startRegistryProcess(dir)
    const auth = { authorization: registry.authorization }
    const earlier = await pushImage(registry.url, 'crash/app', 'v1', 'earlier', auth)
    const config = Buffer.from('{"big":true}')
    const configDigest = await pushBlob(registry.url, 'crash/app', config, auth)
    const manifest = imageManifest({ digest: configDigest, size: config.byteLength }, [], {
      padding: 'x'.repeat(3 * MiB),
    })
    const half = manifest.subarray(0, manifest.byteLength / 2)
    let sent = false
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(half)
        sent = true
        // Never close: the server waits for the rest when the crash comes.
      },
    })
    const put = fetch(`${registry.url}/v2/crash/app/manifests/v2`, {
      method: 'PUT',
      body,
      duplex: 'half',
      headers: {
        ...auth,
        'content-type': 'application/vnd.oci.image.manifest.v1+json',
        'content-length': String(manifest.byteLength),
      },
    } as RequestInit).catch((e: unknown) => e)
    await waitFor(async () => sent, 5000)
    await new Promise((r) => setTimeout(r, 200))
    await registry.kill()
    await put

    expect((await checkStore(dir)).problems).toEqual([])
    registry = await startRegistryProcess(dir)
    await using _ = registry
    expect(
      (await fetch(`${registry.url}/v2/crash/app/manifests/v2`, { headers: auth })).status,
    ).toBe(404)
    const v1 = await fetch(`${registry.url}/v2/crash/app/manifests/v1`, { headers: auth })
    expect(v1.headers.get('docker-content-digest')).toBe(earlier)
    const list = await fetch(`${registry.url}/v2/crash/app/tags/list`, { headers: auth })
    const tags = (await list.json()) as { tags: string[] }
    expect(tags.tags).toEqual(['v1'])
  }, 60_000)

  it('tags acknowledged in one repository survive kills at random instants, through its log', async () => {
    const dir = await dataDir()
    const acknowledged = new Map<string, string>()
    for (let round = 0; round < 4; round++) {
      const registry = await startRegistryProcess(dir)
      const auth = { authorization: registry.authorization }
      // Four writers tag images in one repository: every change after the first is a log line.
      const pushes = Array.from({ length: 4 }, async (_, i) => {
        for (let n = 0; ; n++) {
          const tag = `r${round}-w${i}-${n}`
          acknowledged.set(tag, await pushImage(registry.url, 'crash/tags', tag, tag, auth))
        }
      }).map((p) => p.catch(() => {}))
      const before = acknowledged.size
      await waitFor(async () => acknowledged.size > before + 8, 20_000)
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 250)))
      await registry.kill()
      await Promise.all(pushes)
      expect((await checkStore(dir)).problems, `round ${round}`).toEqual([])
    }
    const registry = await startRegistryProcess(dir)
    await using _ = registry
    const headers = { authorization: registry.authorization }
    const listed = await fetch(`${registry.url}/v2/crash/tags/tags/list?n=100000`, { headers })
    const { tags } = (await listed.json()) as { tags: string[] }
    expect(tags).toEqual(expect.arrayContaining([...acknowledged.keys()]))
    for (const [tag, digest] of [...acknowledged].slice(-20)) {
      const head = await fetch(`${registry.url}/v2/crash/tags/manifests/${tag}`, {
        method: 'HEAD',
        headers: { ...headers, accept: 'application/vnd.oci.image.manifest.v1+json' },
      })
      expect(head.headers.get('docker-content-digest'), tag).toBe(digest)
    }
  }, 120_000)

  it('kills at random instants during concurrent pushes never leave an inconsistent store', async () => {
    const dir = await dataDir()
    let pushed = 0
    for (let round = 0; round < 6; round++) {
      const registry = await startRegistryProcess(dir)
      const auth = { authorization: registry.authorization }
      // Eight writers push images back to back, so writes are in flight whenever the kill lands.
      const pushes = Array.from({ length: 8 }, async (_, i) => {
        for (let n = 0; ; n++) {
          const seed = `${round}-${i}-${n}-${randomBytes(4).toString('hex')}`
          await pushImage(registry.url, `crash/r${i}`, `t${round}-${n}`, seed, auth)
          pushed += 1
        }
      }).map((p) => p.catch(() => {}))
      // Kill at a random instant once writes are flowing (a busy machine may take a while).
      const before = pushed
      await waitFor(async () => pushed > before, 20_000)
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 250)))
      await registry.kill()
      await Promise.all(pushes)
      const report = await checkStore(dir)
      expect(report.problems, `round ${round}`).toEqual([])
    }
    const registry = await startRegistryProcess(dir)
    await using _ = registry
    const catalog = await fetch(`${registry.url}/v2/_catalog`, {
      headers: { authorization: registry.authorization },
    })
    expect(catalog.status).toBe(200)
    // The rounds must have exercised real writes, or the check proves nothing.
    expect(pushed).toBeGreaterThan(0)
    expect((await checkStore(dir)).manifests).toBeGreaterThan(0)
  }, 120_000)
})
