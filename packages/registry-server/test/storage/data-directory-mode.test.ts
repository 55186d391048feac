import { chmod, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type LogEvent, startLocalRegistry, startTokenService } from '../../src/index.js'
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

// Nothing else tells the operator of a data directory made open by hand, or by an earlier version.
describe('a data directory every local user can enter is reported at the default log level', () => {
  const OPEN_TO_EVERYONE =
    'every local user can enter the data directory: chmod 700 it unless that is meant'

  it.each([
    ['0755', 0o755, ['0755']],
    ['0701', 0o701, ['0701']],
    ['0750', 0o750, []],
    ['0700', 0o700, []],
  ])('mode %s', async (_label, mode, reported) => {
    const dataDir = join(work, `mode-${mode.toString(8)}`)
    await mkdir(dataDir)
    await chmod(dataDir, mode)
    const events = await pushOnce(dataDir, `layer in a ${mode.toString(8)} directory`)
    const warnings = events.filter((event) => event.msg === OPEN_TO_EVERYONE)
    expect(warnings.map((event) => event.mode)).toEqual(reported)
    for (const warning of warnings) expect(warning).toMatchObject({ level: 'error', dataDir })
  })

  it('the standalone token service reports it too', async () => {
    const dataDir = join(work, 'token-data-open')
    await mkdir(dataDir)
    await chmod(dataDir, 0o755)
    const events: LogEvent[] = []
    const service = await startTokenService({
      dataDir,
      admin: ADMIN,
      logger: (event) => events.push(event),
    })
    await service.close()
    expect(events.filter((event) => event.msg === OPEN_TO_EVERYONE)).toHaveLength(1)
  })
})

/**
 * Start a registry on `dataDir` at the default log level, push `team/app:v1` with one layer of
 * `layer`, and stop it; returns what it logged.
 */
async function pushOnce(dataDir: string, layer: string): Promise<LogEvent[]> {
  const events: LogEvent[] = []
  const registry = await startLocalRegistry({
    dataDir,
    adminCredentials: ADMIN,
    logger: (event) => events.push(event),
  })
  try {
    await pushImage(registry.url, 'team/app', 'v1', layer, AS_ADMIN)
  } finally {
    await registry.close()
  }
  return events
}
