import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { pushBlob } from '../support/push.js'
import { ageBlobs, blobBytes } from './blobs-on-disk.js'

// Files the store never made, where its layout has folders: what a file browser leaves in every
// folder it shows (`.DS_Store`), or a note an operator drops there. They are not blobs, and they
// must not stop a collection from freeing the blobs around them.

const ADMIN = { username: 'admin', password: 'stray-files-admin-password' }
const AS_ADMIN = {
  authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`,
}

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stray-files-'))
})
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

describe('files in the blob store that are not its own', () => {
  it('a collection passes over them and frees the blobs', async () => {
    await using registry = await startLocalRegistry({
      dataDir,
      adminCredentials: ADMIN,
      logLevel: 'silent',
      gcGracePeriodSeconds: 1,
      gcIntervalSeconds: 0,
    })
    const digest = await pushBlob(registry.url, 'team/app', Buffer.from('unreferenced'), AS_ADMIN)
    await ageBlobs(dataDir, [digest], new Date(Date.now() - 3600_000))
    await writeFile(join(dataDir, 'blobs', '.DS_Store'), 'not a blob')
    await writeFile(join(dataDir, 'blobs', 'sha256', '.DS_Store'), 'not a blob')

    const res = await fetch(`${registry.url}/_artifact-registry/gc`, {
      method: 'POST',
      headers: AS_ADMIN,
    })
    expect(res.status, await res.clone().text()).toBe(200)
    expect(await res.json()).toEqual({ deleted: 1, freedBytes: 12, spared: 0 })
    // Only the strays are left.
    expect(await blobBytes(dataDir)).toBe(2 * 'not a blob'.length)
  })
})
