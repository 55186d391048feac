import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BackgroundSync } from '../../src/registry-server/storage/background-sync.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'background-sync-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('BackgroundSync', () => {
  it('syncs a file each time it grows past another block, and settles cleanly', async () => {
    const path = join(dir, 'data')
    await writeFile(path, 'x'.repeat(300))
    const syncs = new BackgroundSync(100)
    syncs.grew(path, 0, 150)
    await expect(syncs.settled(path)).resolves.toBeUndefined()
  })

  it('starts nothing while a file stays within one block', async () => {
    // The file does not exist: a sync would fail, and settled() would say so.
    const missing = join(dir, 'missing')
    const syncs = new BackgroundSync(100)
    syncs.grew(missing, 0, 99)
    syncs.grew(missing, 100, 199)
    await expect(syncs.settled(missing)).resolves.toBeUndefined()
  })

  it('reports a failed sync to the commit that settles the file, once', async () => {
    const missing = join(dir, 'missing')
    const syncs = new BackgroundSync(100)
    syncs.grew(missing, 90, 110)
    await expect(syncs.settled(missing)).rejects.toMatchObject({ code: 'ENOENT' })
    await expect(syncs.settled(missing)).resolves.toBeUndefined()
  })

  it('forgets the failures of a file that is being deleted', async () => {
    const missing = join(dir, 'missing')
    const syncs = new BackgroundSync(100)
    syncs.grew(missing, 0, 100)
    await syncs.forget(missing)
    await expect(syncs.settled(missing)).resolves.toBeUndefined()
  })
})
