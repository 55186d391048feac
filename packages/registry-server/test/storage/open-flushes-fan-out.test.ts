import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'

// Every folder flush the store asks for, by path.
const flushed = vi.hoisted(() => [] as string[])
vi.mock('../../src/storage/atomic-write.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/storage/atomic-write.js')>()
  return {
    ...real,
    syncDirectory: async (path: string) => {
      flushed.push(path)
      await real.syncDirectory(path)
    },
  }
})
const { FsBlobStore } = await import('../../src/storage/fs-blob-store.js')

describe('opening a blob store', () => {
  let root: string | undefined
  afterEach(async () => {
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('flushes each algorithm folder, where a killed process may have left a fan-out folder unflushed', async () => {
    root = await mkdtemp(join(tmpdir(), 'store-open-'))
    // What a process killed between making `ab/` and flushing `sha256/` leaves: a later mkdir
    // finds `ab/` there and flushes nothing.
    await mkdir(join(root, 'blobs', 'sha256', 'ab'), { recursive: true })
    await mkdir(join(root, 'blobs', 'sha512'), { recursive: true })
    flushed.length = 0
    await FsBlobStore.open(root)
    expect(flushed).toEqual(
      expect.arrayContaining([join(root, 'blobs', 'sha256'), join(root, 'blobs', 'sha512')]),
    )
  })

  it('flushes the folders holding the algorithm folders and the store’s own folders, which a killed process may have left unflushed', async () => {
    root = await mkdtemp(join(tmpdir(), 'store-open-'))
    // What a process killed between making `sha512/` (its first sha512 blob), `uploads/` or
    // `repositories/` and flushing their parents leaves: every `mkdir` of the next start finds
    // them there and flushes nothing, and a blob acknowledged into them is lost with the entry.
    for (const dir of ['tmp', 'uploads', 'repositories']) await mkdir(join(root, dir))
    await mkdir(join(root, 'blobs', 'sha512', 'cd'), { recursive: true })
    flushed.length = 0
    await FsBlobStore.open(root)
    expect(flushed).toEqual(expect.arrayContaining([root, join(root, 'blobs')]))
  })
})
