import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BackgroundSync } from '../../src/storage/background-sync.js'
import { FsBlobStore } from '../../src/storage/fs-blob-store.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'background-sync-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A sync that records its calls and finishes when the test says so. */
function recordingSync(outcome: () => Promise<void> = () => Promise.resolve()) {
  const calls: string[] = []
  return {
    calls,
    sync: (path: string) => {
      calls.push(path)
      return outcome()
    },
  }
}

describe('BackgroundSync', () => {
  it('starts one sync each time a file grows past another block, none within a block', async () => {
    const { calls, sync } = recordingSync()
    const syncs = new BackgroundSync(100, sync)
    syncs.grew('a', 0, 99)
    syncs.grew('a', 99, 100) // crosses 100
    await syncs.settled('a')
    syncs.grew('a', 100, 199)
    syncs.grew('a', 199, 350) // crosses 200 and 300: one sync covers both
    await syncs.settled('a')
    expect(calls).toEqual(['a', 'a'])
  })

  it('runs at most one sync per file at a time', async () => {
    const pending: (() => void)[] = []
    const { calls, sync } = recordingSync(() => new Promise((resolve) => pending.push(resolve)))
    const syncs = new BackgroundSync(100, sync)
    syncs.grew('a', 0, 150)
    syncs.grew('a', 150, 250) // the first still runs: skipped
    syncs.grew('b', 0, 150) // another file: its own sync
    expect(calls).toEqual(['a', 'b'])
    for (const resolve of pending) resolve()
    await syncs.settled('a')
    await syncs.settled('b')
  })

  it('runs at most maxRunning syncs in all; the others start in turn as one ends', async () => {
    // Each sync holds a thread of libuv's pool: unbounded, 8 uploads' syncs took every thread and
    // their writes waited behind them.
    const pending = new Map<string, () => void>()
    const { calls, sync } = recordingSync()
    const held = (path: string) =>
      new Promise<void>((resolve) => {
        pending.set(path, resolve)
        void sync(path)
      })
    const syncs = new BackgroundSync(100, held, 2)
    for (const path of ['a', 'b', 'c', 'd']) syncs.grew(path, 0, 150)
    syncs.grew('c', 150, 250) // already waiting: still once
    expect(calls).toEqual(['a', 'b'])
    pending.get('a')?.()
    await syncs.settled('a')
    expect(calls).toEqual(['a', 'b', 'c'])
    // One still waiting when its file is flushed (settled) or deleted (forgotten) is dropped.
    await syncs.forget('d')
    pending.get('b')?.()
    pending.get('c')?.()
    await syncs.settled('b')
    await syncs.settled('c')
    expect(calls).toEqual(['a', 'b', 'c'])
  })

  it('keeps reporting a failed sync until the file is forgotten', async () => {
    const failure = Object.assign(new Error('EIO'), { code: 'EIO' })
    const { sync } = recordingSync(() => Promise.reject(failure))
    const syncs = new BackgroundSync(100, sync)
    syncs.grew('a', 90, 110)
    // Linux reports a write-back error once: a second fsync could pass on lost data.
    await expect(syncs.settled('a')).rejects.toMatchObject({ cause: failure })
    await expect(syncs.settled('a')).rejects.toThrow(/flushing a to disk failed/)
    await syncs.forget('a')
    await expect(syncs.settled('a')).resolves.toBeUndefined()
  })

  it('flushes a real file', async () => {
    const path = join(dir, 'data')
    await writeFile(path, 'x'.repeat(300))
    const syncs = new BackgroundSync(100)
    syncs.grew(path, 0, 300)
    await expect(syncs.settled(path)).resolves.toBeUndefined()
  })
})

describe('FsBlobStore flushing uploads as they grow', () => {
  const meta = { repository: 'r', algorithm: 'sha256' as const, startedAt: Date.now() }
  const bytes = (n: number): AsyncIterable<Uint8Array> =>
    (async function* () {
      yield new Uint8Array(n).fill(1)
    })()

  it('counts from what the upload holds, across appends (PATCHes)', async () => {
    const { calls, sync } = recordingSync()
    const store = await FsBlobStore.open(dir, new BackgroundSync(100, sync))
    const id = '00000000-0000-4000-8000-000000000001'
    await store.createUpload(id, meta)
    await store.append(id, bytes(60), () => {})
    expect(calls).toHaveLength(0)
    await store.append(id, bytes(60), () => {}) // 60 → 120 crosses 100
    expect(calls).toEqual([join(dir, 'uploads', id, 'data')])
  })

  it('refuses to commit an upload whose flush failed, and deletes it', async () => {
    const { sync } = recordingSync(() => Promise.reject(new Error('EIO')))
    const store = await FsBlobStore.open(dir, new BackgroundSync(100, sync))
    const id = '00000000-0000-4000-8000-000000000002'
    await store.createUpload(id, meta)
    await store.append(id, bytes(150), () => {})
    const digest = `sha256:${'0'.repeat(64)}`
    await expect(store.commitUpload(id, digest)).rejects.toThrow(/flushing .* failed/)
    expect(await store.uploadState(id)).toBeUndefined()
    expect(await store.stat(digest)).toBeUndefined()
  })
})
