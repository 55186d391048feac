import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultHashThreads } from '../../src/hashing/hash-threads.js'
import { startLocalRegistry } from '../../src/start-local-registry.js'
import { sha256 } from '../support/push.js'

const MiB = 1024 * 1024
const REPOSITORY = 'hashing/threads'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hash-threads-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Threads of this process now (a worker thread is one more). */
async function threadCount(): Promise<number> {
  return (await readdir('/proc/self/task')).length
}

async function startUpload(url: string): Promise<URL> {
  const start = await fetch(`${url}/v2/${REPOSITORY}/blobs/uploads/`, { method: 'POST' })
  expect(start.status).toBe(202)
  return new URL(start.headers.get('location') ?? '', url)
}

async function patch(location: URL, bytes: Uint8Array, from: number): Promise<URL> {
  const response = await fetch(location, {
    method: 'PATCH',
    body: bytes,
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Range': `${from}-${from + bytes.byteLength - 1}`,
    },
  })
  expect(response.status).toBe(202)
  return new URL(response.headers.get('location') ?? '', location)
}

async function commit(location: URL, digest: string): Promise<Response> {
  const done = new URL(location)
  done.searchParams.set('digest', digest)
  return fetch(done, { method: 'PUT' })
}

async function blobStatus(url: string, digest: string): Promise<number> {
  return (await fetch(`${url}/v2/${REPOSITORY}/blobs/${digest}`, { method: 'HEAD' })).status
}

describe.each([0, 1])('hashThreads: %i', (hashThreads) => {
  it(`hashes on ${hashThreads} worker threads; the digest is checked before the blob is visible`, async () => {
    await using registry = await startLocalRegistry({ dataDir: join(dir, 'data'), hashThreads })
    const bytes = randomBytes(3 * MiB + 11)
    const digest = sha256(bytes)
    const threadsBefore = await threadCount()

    let location = await startUpload(registry.url)
    location = await patch(location, bytes.subarray(0, 2 * MiB), 0)
    location = await patch(location, bytes.subarray(2 * MiB), 2 * MiB)
    expect(await threadCount()).toBe(threadsBefore + hashThreads)
    // Every byte is stored, yet nothing is visible before the digest is checked at commit.
    expect(await blobStatus(registry.url, digest)).toBe(404)
    const refused = await commit(location, sha256(randomBytes(16)))
    expect(refused.status).toBe(400)
    expect(await refused.json()).toMatchObject({ errors: [{ code: 'DIGEST_INVALID' }] })
    expect(await blobStatus(registry.url, digest)).toBe(404)

    location = await startUpload(registry.url)
    location = await patch(location, bytes, 0)
    expect((await commit(location, digest)).status).toBe(201)
    const pulled = await fetch(`${registry.url}/v2/${REPOSITORY}/blobs/${digest}`)
    expect(Buffer.from(await pulled.arrayBuffer()).equals(bytes)).toBe(true)
  })

  it('resumes an upload after a restart, and still refuses a wrong digest', async () => {
    const dataDir = join(dir, 'data')
    const bytes = randomBytes(2 * MiB + 5)
    const digest = sha256(bytes)
    const half = MiB + 3
    let kept: URL
    let refusedAt: URL
    {
      await using first = await startLocalRegistry({ dataDir, hashThreads })
      kept = await patch(await startUpload(first.url), bytes.subarray(0, half), 0)
      refusedAt = await patch(await startUpload(first.url), bytes.subarray(0, half), 0)
    }
    await using second = await startLocalRegistry({ dataDir, hashThreads })
    const moved = (location: URL): URL => new URL(location.pathname, second.url)
    const status = await fetch(moved(kept))
    expect(status.status).toBe(204)
    expect(status.headers.get('range')).toBe(`0-${half - 1}`)
    const resumed = await patch(moved(kept), bytes.subarray(half), half)
    expect((await commit(resumed, digest)).status).toBe(201)
    const pulled = await fetch(`${second.url}/v2/${REPOSITORY}/blobs/${digest}`)
    expect(Buffer.from(await pulled.arrayBuffer()).equals(bytes)).toBe(true)

    const other = await patch(moved(refusedAt), bytes.subarray(half), half)
    const wrong = await commit(other, sha256(bytes.subarray(half)))
    expect(wrong.status).toBe(400)
    expect(await wrong.json()).toMatchObject({ errors: [{ code: 'DIGEST_INVALID' }] })
  })
})

describe('hashThreads', () => {
  it.each([[-1], [9], [1.5], [Number.NaN], ['2']])(
    '%s is INVALID_CONFIG, before anything starts',
    async (hashThreads) => {
      await expect(
        startLocalRegistry({ dataDir: join(dir, 'data'), hashThreads: hashThreads as number }),
      ).rejects.toMatchObject({
        name: 'ArtifactRegistryError',
        code: 'INVALID_CONFIG',
        issues: [{ path: 'hashThreads', message: expect.stringContaining('from 0 to 8') }],
      })
      expect(await readdir(dir)).toEqual([])
    },
  )

  it('defaults to one hashing thread with more than one core, none on one core', async () => {
    expect([1, 2, 16].map((cores) => defaultHashThreads(cores))).toEqual([0, 1, 1])
    await using registry = await startLocalRegistry({ dataDir: join(dir, 'data') })
    const threadsBefore = await threadCount()
    const location = await startUpload(registry.url)
    await patch(location, randomBytes(2 * MiB), 0)
    expect(await threadCount()).toBe(threadsBefore + defaultHashThreads(availableParallelism()))
  })

  it('hashes on the main thread without a data directory (no file to read back)', async () => {
    await using registry = await startLocalRegistry({ hashThreads: 2 })
    const threadsBefore = await threadCount()
    const bytes = randomBytes(2 * MiB)
    const location = await patch(await startUpload(registry.url), bytes, 0)
    expect(await threadCount()).toBe(threadsBefore)
    expect((await commit(location, sha256(bytes))).status).toBe(201)
  })
})
