import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { imageManifest, pushBlob, sha256 } from '../support/push.js'
import { ageBlobs, blobBytes, eventually, sleep, writeOldBlobs } from './blobs-on-disk.js'

const MiB = 1024 * 1024
const ADMIN = { username: 'admin', password: 'gc-admin-password' }
const AS_ADMIN = {
  authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`,
}
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json'
// Old blobs for the collection to race over, each used once.
const POOL = 150

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'registry-gc-'))
})
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

function start(options: { gcGracePeriodSeconds: number; gcIntervalSeconds: number }) {
  return startLocalRegistry({
    dataDir,
    adminCredentials: ADMIN,
    logLevel: 'silent',
    ...options,
  })
}

/** Push `layers` and a config, then a manifest over them tagged `tag`; the manifest's answer. */
async function pushImage(
  url: string,
  repository: string,
  tag: string,
  layers: Buffer[],
): Promise<{ status: number; digests: string[] }> {
  const config = Buffer.from(JSON.stringify({ repository, tag }))
  const configDigest = await pushBlob(url, repository, config, AS_ADMIN)
  const layerDigests: string[] = []
  for (const layer of layers) layerDigests.push(await pushBlob(url, repository, layer, AS_ADMIN))
  const res = await putManifest(
    url,
    repository,
    tag,
    { digest: configDigest, size: config.byteLength },
    layerDigests.map((digest, i) => ({ digest, size: layers[i]?.byteLength ?? 0 })),
  )
  return { status: res.status, digests: [configDigest, ...layerDigests, res.digest] }
}

async function putManifest(
  url: string,
  repository: string,
  tag: string,
  config: { digest: string; size: number },
  layers: { digest: string; size: number }[],
): Promise<{ status: number; digest: string }> {
  const manifest = imageManifest(config, layers)
  const res = await fetch(`${url}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    body: manifest,
    headers: { ...AS_ADMIN, 'content-type': MANIFEST_TYPE },
  })
  await res.arrayBuffer()
  return { status: res.status, digest: sha256(manifest) }
}

function deleteRepository(url: string, repository: string): Promise<Response> {
  return fetch(`${url}/_artifact-registry/repositories/${repository}`, {
    method: 'DELETE',
    headers: AS_ADMIN,
  })
}

async function collect(url: string): Promise<Record<string, number>> {
  const res = await fetch(`${url}/_artifact-registry/gc`, { method: 'POST', headers: AS_ADMIN })
  expect(res.status).toBe(200)
  return (await res.json()) as Record<string, number>
}

/** The blob's bytes as served, or the status when it is not served. */
async function pull(url: string, repository: string, digest: string): Promise<Buffer | number> {
  const res = await fetch(`${url}/v2/${repository}/blobs/${digest}`, { headers: AS_ADMIN })
  const body = Buffer.from(await res.arrayBuffer())
  return res.status === 200 ? body : res.status
}

function hashOf(bytes: Buffer | number): string {
  return typeof bytes === 'number' ? `status ${bytes}` : sha256(bytes)
}

describe('online garbage collection', () => {
  it('gives the disk space back after a repository is deleted (POST /_artifact-registry/gc)', async () => {
    await using registry = await start({ gcGracePeriodSeconds: 1, gcIntervalSeconds: 0 })
    const layers = [randomBytes(4 * MiB), randomBytes(4 * MiB), randomBytes(4 * MiB)]
    const pushed = await pushImage(registry.url, 'team/app', 'v1', layers)
    expect(pushed.status).toBe(201)
    const before = await blobBytes(dataDir)
    expect(before).toBeGreaterThan(12 * MiB)

    expect((await deleteRepository(registry.url, 'team/app')).status).toBe(202)
    await sleep(1100) // past the grace period
    // With the interval at 0 nothing is collected on its own.
    expect(await blobBytes(dataDir)).toBe(before)

    const result = await collect(registry.url)
    expect(result).toEqual({ deleted: 5, freedBytes: before, spared: 0 })
    expect(await blobBytes(dataDir)).toBe(0)
  }, 30_000)

  it('collects every gcIntervalSeconds on its own', async () => {
    await using registry = await start({ gcGracePeriodSeconds: 600, gcIntervalSeconds: 0.2 })
    const pushed = await pushImage(registry.url, 'team/app', 'v1', [randomBytes(2 * MiB)])
    expect(pushed.status).toBe(201)
    await sleep(500) // collections come and go; the image stays
    expect(await blobBytes(dataDir)).toBeGreaterThan(2 * MiB)
    expect((await deleteRepository(registry.url, 'team/app')).status).toBe(202)
    await ageBlobs(dataDir, pushed.digests, new Date(Date.now() - 3600_000))
    expect(await eventually(async () => (await blobBytes(dataDir)) === 0, 5000)).toBe(true)
  }, 30_000)

  it('keeps the blobs another repository still references', async () => {
    await using registry = await start({ gcGracePeriodSeconds: 1, gcIntervalSeconds: 0 })
    const shared = randomBytes(3 * MiB)
    const onlyInA = randomBytes(2 * MiB)
    const a = await pushImage(registry.url, 'team/a', 'v1', [shared, onlyInA])
    const b = await pushImage(registry.url, 'team/b', 'v1', [shared])
    expect([a.status, b.status]).toEqual([201, 201])
    expect((await deleteRepository(registry.url, 'team/a')).status).toBe(202)
    await sleep(1100)

    const result = await collect(registry.url)
    // team/a's config, its own layer and its manifest; the shared layer is team/b's too.
    expect(result.deleted).toBe(3)
    for (const digest of b.digests.slice(0, -1)) {
      expect(hashOf(await pull(registry.url, 'team/b', digest))).toBe(digest)
    }
    const manifest = await fetch(`${registry.url}/v2/team/b/manifests/v1`, {
      headers: { ...AS_ADMIN, accept: MANIFEST_TYPE },
    })
    expect(sha256(Buffer.from(await manifest.arrayBuffer()))).toBe(b.digests.at(-1))
    const remaining = await blobBytes(dataDir)
    expect(remaining).toBeGreaterThan(3 * MiB)
    expect(remaining).toBeLessThan(3 * MiB + 4096)
  }, 30_000)

  it('never deletes what a push in progress needs, whatever the interleaving', async () => {
    // Old garbage straight into the store, so that the collection has work while pushes go on.
    const longAgo = new Date(Date.now() - 3600_000)
    await writeOldBlobs(dataDir, 3000, longAgo)
    await using registry = await start({ gcGracePeriodSeconds: 600, gcIntervalSeconds: 0 })
    const { url } = registry
    // Blobs past the grace period that no manifest references: each one is used once below, by a
    // manifest that comes to reference it or by a mount into another repository.
    const config = Buffer.from('{}')
    const configDigest = await pushBlob(url, 'old/reused', config, AS_ADMIN)
    const reusable = await inParallel(POOL, 8, (i) =>
      pushBlob(url, 'old/reused', Buffer.from(`reused layer ${i}`), AS_ADMIN),
    )
    const mountable = await inParallel(POOL, 8, (i) =>
      pushBlob(url, 'old/mountable', Buffer.from(`mountable layer ${i}`), AS_ADMIN),
    )
    await ageBlobs(dataDir, [configDigest, ...reusable, ...mountable], longAgo)

    const gcStart = performance.now()
    const collection = collect(url).then((result) => ({ result, at: performance.now() }))
    let collecting = true
    void collection.then(() => {
      collecting = false
    })
    // Pushes of new blobs, each followed by its manifest, while the collection runs.
    const fresh = inParallel(20, 4, async (i) => {
      const layer = randomBytes(64 * 1024)
      const digest = await pushBlob(url, `new/app${i}`, layer, AS_ADMIN)
      const layerAt = performance.now()
      const cfg = await pushBlob(url, `new/app${i}`, config, AS_ADMIN)
      const put = await putManifest(url, `new/app${i}`, 'v1', { digest: cfg, size: 2 }, [
        { digest, size: layer.byteLength },
      ])
      return { i, digest, status: put.status, layerAt }
    })
    // For as long as the collection runs: manifests over the old blobs, racing their collection…
    const reuses = whileRunning(
      () => collecting,
      reusable,
      15,
      async (digest, n) => {
        const layer = {
          digest,
          size: Buffer.byteLength(`reused layer ${reusable.indexOf(digest)}`),
        }
        const put = await putManifest(
          url,
          'old/reused',
          `v${n}`,
          { digest: configDigest, size: 2 },
          [layer],
        )
        return { digest, status: put.status }
      },
    )
    // …and mounts of the other old blobs into new repositories.
    const mounts = whileRunning(
      () => collecting,
      mountable,
      40,
      async (digest, n) => {
        const repository = `new/mounted${n}`
        const res = await fetch(
          `${url}/v2/${repository}/blobs/uploads/?mount=${digest}&from=old/mountable`,
          { method: 'POST', headers: AS_ADMIN },
        )
        await res.arrayBuffer()
        // 202 opened an upload instead: cancel it, as a client with nothing to send would.
        const location = res.headers.get('location')
        if (res.status === 202 && location !== null) {
          const cancel = await fetch(new URL(location, url), {
            method: 'DELETE',
            headers: AS_ADMIN,
          })
          await cancel.arrayBuffer()
        }
        return { digest, repository, status: res.status }
      },
    )
    // A blob uploaded while the collection runs, whose manifest comes only after it.
    const late = randomBytes(1024)
    const lateDigest = await pushBlob(url, 'new/late', late, AS_ADMIN)
    const lateConfig = await pushBlob(url, 'new/late', config, AS_ADMIN)
    const [gc, pushes, reused, mounted] = await Promise.all([collection, fresh, reuses, mounts])
    expect(gc.result.deleted).toBeGreaterThanOrEqual(3000)
    // The collection did overlap the pushes: some layer was committed before it answered. (Not
    // a whole image: its commits wait while the collection holds the lock, on a slow disk all.)
    expect(Math.min(...pushes.map((p) => p.layerAt))).toBeLessThan(gc.at)

    const latePut = await putManifest(url, 'new/late', 'v1', { digest: lateConfig, size: 2 }, [
      { digest: lateDigest, size: late.byteLength },
    ])
    expect(latePut.status).toBe(201)
    expect(hashOf(await pull(url, 'new/late', lateDigest))).toBe(lateDigest)
    for (const push of pushes) {
      expect(push.status).toBe(201)
      expect(hashOf(await pull(url, `new/app${push.i}`, push.digest))).toBe(push.digest)
    }
    // A manifest refused because its blob was collected first is fine; one accepted is a promise.
    for (const reuse of reused) {
      expect([201, 400], JSON.stringify(reuse)).toContain(reuse.status)
      if (reuse.status === 201)
        expect(hashOf(await pull(url, 'old/reused', reuse.digest))).toBe(reuse.digest)
    }
    // A mount answered 201 links a blob that is there; 202 is the fallback to an upload.
    for (const mount of mounted) {
      expect([201, 202], JSON.stringify(mount)).toContain(mount.status)
      if (mount.status === 201)
        expect(hashOf(await pull(url, mount.repository, mount.digest))).toBe(mount.digest)
    }
    // Everything a manifest references stays, once its grace period is long over, too.
    await ageBlobs(dataDir, [...pushes.map((p) => p.digest), lateDigest], longAgo)
    await collect(url)
    for (const push of pushes) {
      expect(hashOf(await pull(url, `new/app${push.i}`, push.digest))).toBe(push.digest)
    }
    for (const reuse of reused.filter((r) => r.status === 201)) {
      expect(hashOf(await pull(url, 'old/reused', reuse.digest))).toBe(reuse.digest)
    }
    console.log(
      `collected ${gc.result.deleted} blobs in ${Math.round(gc.at - gcStart)} ms; during it, manifests over old blobs accepted ${count201(reused)}/${reused.length}, mounts ${count201(mounted)}/${mounted.length}`,
    )
  }, 120_000)

  it('the endpoint is the admin’s: 401 without credentials, 403 with a repository’s, 405 for GET', async () => {
    await using registry = await start({ gcGracePeriodSeconds: 0, gcIntervalSeconds: 0 })
    const endpoint = `${registry.url}/_artifact-registry/gc`
    const anonymous = await fetch(endpoint, { method: 'POST' })
    expect(anonymous.status).toBe(401)
    const minted = await registry.generateCredentials('team/app', 'push-pull', 60)
    const basic = Buffer.from(`${minted.username}:${minted.password}`).toString('base64')
    const scoped = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}` },
    })
    expect(scoped.status).toBe(403)
    expect(((await scoped.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('DENIED')
    const get = await fetch(endpoint, { headers: AS_ADMIN })
    expect(get.status).toBe(405)
  })

  it('collectGarbage() frees an in-memory registry too', async () => {
    await using registry: LocalRegistry = await startLocalRegistry({
      gcGracePeriodSeconds: 0,
      gcIntervalSeconds: 0,
    })
    const layer = randomBytes(MiB)
    const pushed = await pushImage(registry.url, 'mem/app', 'v1', [layer])
    expect(pushed.status).toBe(201)
    expect(await registry.collectGarbage()).toMatchObject({ deleted: 0 })
    await deleteRepository(registry.url, 'mem/app')
    const result = await registry.collectGarbage()
    expect(result.deleted).toBe(3)
    expect(result.freedBytes).toBeGreaterThan(MiB)
  })

  it.each([
    [-1, 'gcIntervalSeconds must be a number of seconds from 0 to 2147483'],
    [2_147_484, 'gcIntervalSeconds must be a number of seconds from 0 to 2147483'],
    [Number.NaN, 'gcIntervalSeconds must be a number of seconds from 0 to 2147483'],
  ])('gcIntervalSeconds %s is a TypeError', async (gcIntervalSeconds, message) => {
    await expect(startLocalRegistry({ gcIntervalSeconds })).rejects.toThrow(new TypeError(message))
  })
})

function count201(answers: { status: number }[]): number {
  return answers.filter((a) => a.status === 201).length
}

/**
 * Two workers taking the next item of `items` and calling `task(item, n)`, `n` counting calls,
 * `gapMs` apart, while `running()` holds and items remain; every result.
 */
async function whileRunning<T>(
  running: () => boolean,
  items: readonly string[],
  gapMs: number,
  task: (item: string, n: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = []
  let n = 0
  const worker = async (): Promise<void> => {
    while (running() && n < items.length) {
      const i = n++
      if (i > 1) await sleep(gapMs)
      results.push(await task(items[i] ?? '', i))
    }
  }
  await Promise.all([worker(), worker()])
  return results
}

/** Run `task(0..count-1)` with at most `width` at once; the results in order. */
async function inParallel<T>(
  count: number,
  width: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++
      results[i] = await task(i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker))
  return results
}
