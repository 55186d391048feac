import { chmod, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startLocalRegistry, startTokenService } from '../../src/index.js'
import { pushImage } from '../support/push.js'

const ADMIN = { username: 'admin', password: 'data-directory-mode-admin-password' }
const AS_ADMIN = {
  authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`,
}

const work = await mkdtemp(join(tmpdir(), 'data-dir-mode-'))
afterAll(() => rm(work, { recursive: true, force: true }))

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777

// What this process's umask makes of a folder nobody asked a mode for: the parents the server
// makes on its way to the data directory must get just that.
async function plainFolderMode(): Promise<number> {
  const reference = join(work, 'reference')
  await mkdir(reference, { recursive: true })
  return modeOf(reference)
}

// Blobs, manifests and repository records are written readable by the umask (0644 with the usual
// 022), as any file is; what keeps other local users from reading the images pushed is the data
// directory the server makes for them.
describe('the data directory the server makes is for its own user alone', () => {
  it('a registry makes its data directory 0700, and its images cannot be read through it', async () => {
    const dataDir = join(work, 'new-parent', 'registry-data')
    await pushOnce(dataDir, 'private layer')
    expect(await modeOf(dataDir)).toBe(0o700)
    // Only the data directory itself: a parent made on the way is made as any folder is.
    expect(await modeOf(join(work, 'new-parent'))).toBe(await plainFolderMode())
  })

  it('the standalone token service makes its data directory 0700 too', async () => {
    const dataDir = join(work, 'token-data')
    const service = await startTokenService({ dataDir, admin: ADMIN, logLevel: 'silent' })
    await service.close()
    expect(await modeOf(dataDir)).toBe(0o700)
  })

  it('a data directory that exists keeps the mode its owner gave it', async () => {
    const dataDir = join(work, 'made-by-the-user')
    await mkdir(dataDir)
    await chmod(dataDir, 0o750)
    await pushOnce(dataDir, 'shared layer')
    expect(await modeOf(dataDir)).toBe(0o750)
    // Still a registry's data directory: its record is there.
    expect(await readFile(join(dataDir, 'repositories', 'team%2Fapp.json'), 'utf8')).toContain(
      'team/app',
    )
  })
})

/** Start a registry on `dataDir`, push `team/app:v1` with one layer of `layer`, and stop it. */
async function pushOnce(dataDir: string, layer: string): Promise<void> {
  const registry = await startLocalRegistry({
    dataDir,
    adminCredentials: ADMIN,
    logLevel: 'silent',
  })
  try {
    await pushImage(registry.url, 'team/app', 'v1', layer, AS_ADMIN)
  } finally {
    await registry.close()
  }
}
