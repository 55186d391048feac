import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ensurePrivateDirectory } from '../src/credential-helper/private-directory.js'

// A file system without Unix modes (vfat or CIFS mounted `quiet`/`noperm`, WSL's drvfs without
// metadata) takes a chmod and changes nothing: the next chmod does that here.
const ignoring = vi.hoisted(() => ({ next: false }))
vi.mock('node:fs/promises', async (importActual) => {
  const actual = await importActual<typeof import('node:fs/promises')>()
  return {
    ...actual,
    chmod: async (...args: Parameters<typeof actual.chmod>) => {
      if (!ignoring.next) return actual.chmod(...args)
      ignoring.next = false
    },
  }
})

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'private-directory-'))
})
afterEach(async () => {
  ignoring.next = false
  await rm(dir, { recursive: true, force: true })
})

describe('ensurePrivateDirectory', () => {
  it('narrows a directory of ours that others may enter to 0700', async () => {
    const cache = join(dir, 'cache')
    await mkdir(cache, { mode: 0o755 })
    await ensurePrivateDirectory(cache)
    expect((await stat(cache)).mode & 0o777).toBe(0o700)
  })

  it('refuses a directory that stays open to others after chmod 0700: no secret goes in', async () => {
    const cache = join(dir, 'cache')
    await mkdir(cache, { mode: 0o755 })
    ignoring.next = true
    await expect(ensurePrivateDirectory(cache)).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining(`The credential cache ${cache} stays open to others`),
    })
  })
})
