import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeDirectoryDurably } from '../../src/storage/durable-directory.js'

describe('makeDirectoryDurably', () => {
  let root: string
  let synced: string[]
  const record = async (path: string): Promise<void> => {
    synced.push(path)
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'durable-dir-'))
    synced = []
  })
  afterEach(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('flushes every folder it made and the parent of the first, whose entries changed', async () => {
    await mkdir(join(root, 'blobs'))
    const fan = join(root, 'blobs', 'sha256', 'ab')
    await makeDirectoryDurably(fan, record)
    expect((await stat(fan)).isDirectory()).toBe(true)
    expect(synced.sort()).toEqual([join(root, 'blobs'), join(root, 'blobs', 'sha256'), fan].sort())
  })

  it('flushes nothing when the folder is already there', async () => {
    const fan = join(root, 'blobs', 'sha256', 'ab')
    await mkdir(fan, { recursive: true })
    await makeDirectoryDurably(fan, record)
    expect(synced).toEqual([])
  })

  it('flushes up to the parent of a new folder whose name starts with two dots', async () => {
    const target = join(root, '..store', 'blobs')
    await makeDirectoryDurably(`${target}/`, record)
    expect(synced.sort()).toEqual([root, join(root, '..store'), target].sort())
  })

  it('returns to a concurrent caller only once the folder another call made is flushed', async () => {
    const fan = join(root, 'blobs', 'ab')
    let release = (): void => {}
    const gate = new Promise<void>((done) => {
      release = done
    })
    let started = (): void => {}
    const firstSync = new Promise<void>((done) => {
      started = done
    })
    const maker = makeDirectoryDurably(fan, async (path) => {
      started()
      await gate
      synced.push(path)
    })
    await firstSync
    // The folder is there, its entry in `blobs/` not yet flushed: a blob renamed into it now
    // and acknowledged could be lost with the folder.
    let returned = false
    const other = makeDirectoryDurably(fan, record).then(() => {
      returned = true
    })
    await new Promise((done) => setTimeout(done, 20))
    expect(returned).toBe(false)
    release()
    await Promise.all([maker, other])
    expect(synced.sort()).toEqual([root, join(root, 'blobs'), fan].sort())
  })

  it('flushes with the real fsync by default', async () => {
    await expect(makeDirectoryDurably(join(root, 'a', 'b'))).resolves.toBeUndefined()
    expect((await stat(join(root, 'a', 'b'))).isDirectory()).toBe(true)
  })
})
