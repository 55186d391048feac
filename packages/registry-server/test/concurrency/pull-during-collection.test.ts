import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, unlink } from 'node:fs/promises'
import { platform, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { pushBlob, pushImage } from '../support/push.js'
import { sleep, ThreadPoolGate } from '../support/thread-pool-gate.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pull-during-gc-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

// The filesystem store's layout: blobs/<algorithm>/<first 2 hex>/<hex>.
function blobFile(dataDir: string, digest: string): string {
  const [algorithm = '', hex = ''] = digest.split(':')
  return join(dataDir, 'blobs', algorithm, hex.slice(0, 2), hex)
}

/** What a client got: the status and whole body, or how the exchange failed. */
async function pull(url: string): Promise<{ status: number; body: Buffer } | { failed: string }> {
  try {
    const res = await fetch(url)
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) }
  } catch (error) {
    return { failed: String((error as Error).cause ?? error) }
  }
}

/**
 * Run `request` against a registry whose file operations wait until `remove` (what a garbage
 * collection does to an unreferenced blob) has been queued after the request's first one, then
 * let them run one at a time in that order: the deletion lands between the request's check that
 * the file is there and what it does next. `before`: `remove` is queued before the request's
 * first operation instead.
 */
async function raceRemoval<T>(
  request: () => Promise<T>,
  remove: () => Promise<void>,
  order: 'after the first operation' | 'before',
): Promise<T> {
  const gate = await ThreadPoolGate.close(dir)
  try {
    let removed: Promise<void>
    let answer: Promise<T>
    if (order === 'before') {
      removed = remove()
      answer = request()
    } else {
      answer = request()
      // Long enough for the server to parse the request and queue its first file operation.
      await sleep(100)
      removed = remove()
    }
    await sleep(20)
    gate.releaseOne()
    await removed
    return await answer
  } finally {
    await gate.open()
  }
}

describe.skipIf(platform() === 'win32')('a pull racing the collection of what it pulls', () => {
  it('a blob GET whose file is deleted after its check is served whole, not cut', async () => {
    const dataDir = join(dir, 'data')
    await using registry = await startLocalRegistry({ dataDir, logLevel: 'silent' })
    const bytes = randomBytes(3 * 1024 * 1024)
    const digest = await pushBlob(registry.url, 'race/blob', bytes)
    const result = await raceRemoval(
      () => pull(`${registry.url}/v2/race/blob/blobs/${digest}`),
      () => unlink(blobFile(dataDir, digest)),
      'after the first operation',
    )
    // Before: headers with the whole size went out, then the file was opened and was gone: the
    // connection was dropped without a byte of the body. Now the file is open before the check
    // is answered, and an open file stays readable once deleted.
    expect(result).toMatchObject({ status: 200 })
    expect('body' in result && result.body.equals(bytes)).toBe(true)
  })

  it('a blob GET whose file went before it was opened gets 404 BLOB_UNKNOWN', async () => {
    const dataDir = join(dir, 'data')
    await using registry = await startLocalRegistry({ dataDir, logLevel: 'silent' })
    const digest = await pushBlob(registry.url, 'race/blob', randomBytes(1024))
    const result = await raceRemoval(
      () => pull(`${registry.url}/v2/race/blob/blobs/${digest}`),
      () => unlink(blobFile(dataDir, digest)),
      'before',
    )
    expect(result).toMatchObject({ status: 404 })
    expect('body' in result && result.body.toString()).toContain('BLOB_UNKNOWN')
  })

  it('a manifest GET whose file is deleted after the manifest was resolved gets 404 MANIFEST_UNKNOWN, not 500', async () => {
    const dataDir = join(dir, 'data')
    await using registry = await startLocalRegistry({ dataDir, logLevel: 'silent' })
    const digest = await pushImage(registry.url, 'race/manifest', 'v1', 'seed')
    const result = await raceRemoval(
      () => pull(`${registry.url}/v2/race/manifest/manifests/${digest}`),
      () => unlink(blobFile(dataDir, digest)),
      'before',
    )
    expect(result).toMatchObject({ status: 404 })
    expect('body' in result && result.body.toString()).toContain('MANIFEST_UNKNOWN')
  })
})
