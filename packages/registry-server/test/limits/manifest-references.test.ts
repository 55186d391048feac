import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { type ReferenceLookup, requireReferences } from '../../src/manifest-references.js'
import { OciError } from '../../src/oci-errors.js'
import { imageManifest, pushBlob } from '../support/push.js'
import { readRecords } from '../support/store-check.js'
import { sleep } from './raw-http.js'

// A manifest's references are checked under garbage collection's shared lock, which a collection
// waits for, and every push waits behind the collection: a manifest naming one layer 24,000 times
// must not cost 24,000 lookups.

/** Paths the server has asked `stat` about, while `counting`. */
const stats = vi.hoisted(() => ({ counting: false, paths: [] as string[] }))

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  const stat = ((path, options) => {
    if (stats.counting) stats.paths.push(String(path))
    return fs.stat(path, options)
  }) as typeof fs.stat
  return { ...fs, stat }
})

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json'
const present = { size: 1, createdAt: new Date(0) }

function digestOf(n: number): string {
  return `sha256:${n.toString(16).padStart(64, '0')}`
}

/** A store whose blob lookups are counted, and answered after `delay(digest)` ms. */
function countingStore(
  has: (digest: string) => boolean,
  delay: (digest: string) => number = () => 0,
): { store: ReferenceLookup; lookups: string[]; mostAtOnce: () => number } {
  const lookups: string[] = []
  let running = 0
  let most = 0
  const store: ReferenceLookup = {
    linkedBlob: async (_repository, digest) => {
      lookups.push(digest)
      most = Math.max(most, ++running)
      const ms = delay(digest)
      await (ms > 0 ? sleep(ms) : Promise.resolve())
      running--
      return has(digest) ? present : undefined
    },
    hasManifest: (_repository, digest) => has(digest),
  }
  return { store, lookups, mostAtOnce: () => most }
}

async function refusal(check: Promise<void>): Promise<OciError> {
  const error = await check.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(OciError)
  return error as OciError
}

describe("a manifest's references", () => {
  it('a lookup that fails stops the others, and its error is thrown once none still runs', async () => {
    const digests = Array.from({ length: 100 }, (_, i) => digestOf(i + 1))
    let running = 0
    let startedAfterFailure = 0
    let failed = false
    const store: ReferenceLookup = {
      linkedBlob: async (_repository, digest) => {
        if (failed) startedAfterFailure += 1
        running += 1
        await sleep(5)
        running -= 1
        if (digest === digestOf(3)) {
          failed = true
          throw new Error('EIO: i/o error, stat')
        }
        return present
      },
      hasManifest: () => true,
    }
    await expect(requireReferences(store, 'repo', digests, [])).rejects.toThrow(/EIO/)
    expect(running).toBe(0)
    expect(startedAfterFailure).toBe(0)
  })

  it('looks up a blob named 24,000 times once', async () => {
    const { store, lookups } = countingStore(() => true)
    const layers = Array.from({ length: 24_000 }, () => digestOf(1))
    await requireReferences(store, 'app', [digestOf(0), ...layers], [])
    expect(lookups).toEqual([digestOf(0), digestOf(1)])
  })

  it('looks up distinct blobs a few at a time, each once', async () => {
    const { store, lookups, mostAtOnce } = countingStore(
      () => true,
      () => 1,
    )
    const blobs = Array.from({ length: 100 }, (_, i) => digestOf(i))
    await requireReferences(store, 'app', blobs, [])
    expect([...lookups].sort()).toEqual(blobs)
    expect(mostAtOnce()).toBeGreaterThan(1)
    expect(mostAtOnce()).toBeLessThanOrEqual(8)
  })

  it('names the first missing blob in the manifest’s order, whichever lookup answers first', async () => {
    const missing = new Set([digestOf(3), digestOf(5)])
    // The later missing blob is answered first.
    const { store } = countingStore(
      (digest) => !missing.has(digest),
      (digest) => (digest === digestOf(3) ? 30 : 0),
    )
    const blobs = Array.from({ length: 40 }, (_, i) => digestOf(i))
    const error = await refusal(requireReferences(store, 'app', blobs, []))
    expect(error.code).toBe('MANIFEST_BLOB_UNKNOWN')
    expect(error.detail).toEqual({ digest: digestOf(3) })
  })

  it('names a missing child manifest', async () => {
    const { store } = countingStore((digest) => digest !== digestOf(7))
    const error = await refusal(requireReferences(store, 'app', [], [digestOf(6), digestOf(7)]))
    expect(error.code).toBe('MANIFEST_BLOB_UNKNOWN')
    expect(error.detail).toEqual({ digest: digestOf(7) })
  })
})

describe('a manifest naming one layer 24,000 times, on disk', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'manifest-references-'))
  })
  afterAll(() => rm(dataDir, { recursive: true, force: true }))

  it('is stored, its layer looked up once and recorded once', async () => {
    await using registry = await startLocalRegistry({ dataDir, logLevel: 'silent' })
    const config = Buffer.from('{}')
    const layer = Buffer.from('one layer')
    const configDigest = await pushBlob(registry.url, 'dup/app', config)
    const layerDigest = await pushBlob(registry.url, 'dup/app', layer)
    const layers = Array.from({ length: 24_000 }, () => ({
      digest: layerDigest,
      size: layer.byteLength,
    }))
    const manifest = imageManifest({ digest: configDigest, size: config.byteLength }, layers)
    stats.paths.length = 0
    stats.counting = true
    const put = await fetch(`${registry.url}/v2/dup/app/manifests/latest`, {
      method: 'PUT',
      body: manifest,
      headers: { 'content-type': MANIFEST_TYPE },
    }).finally(() => {
      stats.counting = false
    })
    expect(put.status, await put.text()).toBe(201)
    const layerHex = layerDigest.slice('sha256:'.length)
    expect(stats.paths.filter((path) => path.endsWith(layerHex))).toHaveLength(1)
    // The repository's record as read back from disk names the layer once.
    const { records } = await readRecords(dataDir)
    const [stored] = records.get('dup%2Fapp.json')?.manifests.values() ?? []
    expect(stored?.references.filter((digest) => digest === layerDigest)).toHaveLength(1)
  })
})
