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

  it('flushes with the real fsync by default', async () => {
    await expect(makeDirectoryDurably(join(root, 'a', 'b'))).resolves.toBeUndefined()
    expect((await stat(join(root, 'a', 'b'))).isDirectory()).toBe(true)
  })
})
