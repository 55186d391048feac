import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'

// The files whose data was flushed (`fdatasync` or `fsync`), by path.
const flushed = vi.hoisted(() => [] as string[])
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  const open = (async (path, flags, mode) => {
    const file = await fs.open(path, flags, mode)
    const datasync = file.datasync.bind(file)
    const sync = file.sync.bind(file)
    file.datasync = async () => {
      flushed.push(String(path))
      await datasync()
    }
    file.sync = async () => {
      flushed.push(String(path))
      await sync()
    }
    return file
  }) as typeof fs.open
  return { ...fs, open }
})
const { JournaledFile } = await import('../../src/storage/journaled-file.js')

describe('loading a journaled file', () => {
  let dir: string | undefined
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it('flushes the log it read: a killed process may have written lines it never flushed', async () => {
    dir = await mkdtemp(join(tmpdir(), 'journal-load-'))
    const written = new JournaledFile(dir, 'doc.json', dir)
    await written.save({ n: 1 }, () => ({ n: 1 }))
    await written.save({ n: 2 }, () => ({ n: 2 }))
    // The line a process killed between its write and its flush leaves: read back at the next
    // start, it is the state served, and a request that changes nothing more is acknowledged
    // on it without any write.
    const { epoch } = JSON.parse(await readFile(join(dir, 'doc.json'), 'utf8')) as { epoch: string }
    await appendFile(join(dir, 'doc.log'), `${JSON.stringify({ epoch, n: 3 })}\n`)
    flushed.length = 0
    const loaded = await new JournaledFile(dir, 'doc.json', dir).load((value) => value.n)
    expect(loaded?.changes).toEqual([2, 3])
    expect(flushed).toContain(join(dir, 'doc.log'))
  })
})
