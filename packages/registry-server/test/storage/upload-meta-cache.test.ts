import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { UploadMeta } from '../../src/storage/blob-store.js'
import { FsBlobStore } from '../../src/storage/fs-blob-store.js'

// Each request of a chunked upload asks for its session's state. The metadata part never changes,
// so the store reads `meta.json` once per process; the size, and whether the session still
// exists, come from the data file every time.

/** Paths `readFile` was asked for, in order. */
const reads = vi.hoisted(() => [] as string[])
/** When armed, the next `stat` of a data file answers only once `release()` is called. */
const heldStat = vi.hoisted(() => ({ armed: false, release: () => {} }))

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  const readFile = ((...args: Parameters<typeof fs.readFile>) => {
    reads.push(String(args[0]))
    return fs.readFile(...args)
  }) as typeof fs.readFile
  const stat = (async (...args: Parameters<typeof fs.stat>) => {
    const answer = fs.stat(...args)
    if (heldStat.armed && String(args[0]).endsWith('data')) {
      heldStat.armed = false
      await new Promise<void>((resolve) => (heldStat.release = resolve))
    }
    return answer
  }) as typeof fs.stat
  return { ...fs, readFile, stat }
})

const ID = '0123abcd-0000-4000-8000-00000000beef'
const META: UploadMeta = {
  repository: 'team/app',
  algorithm: 'sha256',
  startedAt: 1_700_000_000_000,
  owner: 'ci',
}

let root: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'upload-meta-cache-'))
  reads.length = 0
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

const metaReads = (): number => reads.filter((path) => path.endsWith('meta.json')).length

async function* bytes(text: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(text)
}

describe('FsBlobStore upload state', () => {
  it('reads a session’s metadata once per process, and its size from the data file each time', async () => {
    const store = await FsBlobStore.open(root)
    await store.createUpload(ID, META)
    expect(await store.uploadState(ID)).toEqual({ ...META, size: 0 })
    await store.append(ID, bytes('hello'), () => undefined)
    expect(await store.uploadState(ID)).toEqual({ ...META, size: 5 })
    expect(await store.uploadState(ID)).toEqual({ ...META, size: 5 })
    expect(metaReads()).toBe(0)

    // A restart: the new process reads the file once.
    const restarted = await FsBlobStore.open(root)
    for (let i = 0; i < 3; i++)
      expect(await restarted.uploadState(ID)).toEqual({ ...META, size: 5 })
    expect(metaReads()).toBe(1)
  })

  it('knows no session whose files are gone, however recently it read it', async () => {
    const store = await FsBlobStore.open(root)
    await store.createUpload(ID, META)
    expect(await store.uploadState(ID)).toBeDefined()
    await rm(join(root, 'uploads', ID), { recursive: true })
    expect(await store.uploadState(ID)).toBeUndefined()

    // Files that come back under the same id are read anew, not taken from before.
    await putSessionFiles({ ...META, repository: 'other/app' })
    expect(await store.uploadState(ID)).toEqual({ ...META, repository: 'other/app', size: 0 })
  })

  it('forgets a deleted session: files later found under its id are read anew', async () => {
    const store = await FsBlobStore.open(root)
    await store.createUpload(ID, META)
    await store.deleteUpload(ID)
    await putSessionFiles({ ...META, repository: 'team/other' })
    expect(await store.uploadState(ID)).toEqual({ ...META, repository: 'team/other', size: 0 })
  })
})

describe('FsBlobStore upload state read while its session is deleted', () => {
  // A status request (GET on the upload) racing a cancel (DELETE). Were anything kept of the
  // deleted session, files found later under its id would be read with its metadata.
  it('keeps nothing of the session, whether its metadata was known or read by the racing call', async () => {
    for (let i = 0; i < 20; i++) {
      const id = `0123abcd-0000-4000-8000-${String(i).padStart(12, '0')}`
      const store = await FsBlobStore.open(root)
      await store.createUpload(id, META)
      const known = store.uploadState(id)
      await store.deleteUpload(id)
      await known
      await putSessionFiles({ ...META, repository: `restored/first${i}` }, id)
      expect((await store.uploadState(id))?.repository).toBe(`restored/first${i}`)

      const restarted = await FsBlobStore.open(root) // reads the files afresh
      const read = restarted.uploadState(id)
      await restarted.deleteUpload(id)
      await read
      await putSessionFiles({ ...META, repository: `restored/second${i}` }, id)
      expect((await restarted.uploadState(id))?.repository).toBe(`restored/second${i}`)
    }
  })

  it('keeps nothing when the read saw the files just before the deletion moved them', async () => {
    const store = await FsBlobStore.open(root)
    await putSessionFiles(META) // as found after a restart: not known to the store yet
    heldStat.armed = true
    const read = store.uploadState(ID) // its stat has found the data file; the answer waits
    await vi.waitFor(() => expect(heldStat.armed).toBe(false), { timeout: 10_000 })
    await store.deleteUpload(ID)
    heldStat.release()
    expect(await read).toEqual({ ...META, size: 0 })
    await putSessionFiles({ ...META, repository: 'restored/app' })
    expect((await store.uploadState(ID))?.repository).toBe('restored/app')
  })
})

/** Writes a session's files by hand, as a restore from a backup would. */
async function putSessionFiles(meta: UploadMeta, id = ID): Promise<void> {
  const dir = join(root, 'uploads', id)
  await mkdir(dir)
  await writeFile(join(dir, 'data'), '')
  await writeFile(join(dir, 'meta.json'), JSON.stringify(meta))
}
