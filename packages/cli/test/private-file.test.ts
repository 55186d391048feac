import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { writePrivateFile } from '../src/private-file.js'

// A write that fails half-way, as on a full disk: the next file handle opened writes part of
// what it is given, then fails.
const failing = vi.hoisted(() => ({ next: false }))
vi.mock('node:fs/promises', async (importActual) => {
  const actual = await importActual<typeof import('node:fs/promises')>()
  return {
    ...actual,
    open: async (...args: Parameters<typeof actual.open>) => {
      const handle = await actual.open(...args)
      if (!failing.next) return handle
      failing.next = false
      const writeHalf = async (text: string): Promise<never> => {
        await handle.write(text.slice(0, text.length / 2))
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC',
        })
      }
      return Object.assign(handle, { writeFile: writeHalf })
    },
  }
})

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'private-file-'))
})
afterEach(async () => {
  failing.next = false
  await rm(dir, { recursive: true, force: true })
})

describe('writePrivateFile', () => {
  it('writes the text readable by its owner only, in new directories of the given mode', async () => {
    const path = join(dir, 'a', 'b', 'secret.json')
    await writePrivateFile(path, '{"password":"p"}', 0o700)
    expect(await readFile(path, 'utf8')).toBe('{"password":"p"}')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o700)
  })

  it('writes a file whose name takes (almost) all the bytes a name may have', async () => {
    // `provision --output` writes a file the user names: 80 characters of three bytes each are
    // 240 of the 255 bytes a name may hold, and the temporary file must fit beside it.
    for (const name of [`${'é'.repeat(120)}.json`, `${'绑'.repeat(80)}.json`, 'x'.repeat(255)]) {
      const path = join(dir, name)
      await writePrivateFile(path, '{"password":"p"}')
      expect(await readFile(path, 'utf8')).toBe('{"password":"p"}')
    }
  })

  it('leaves neither part of the secret nor a changed file when the write fails', async () => {
    const path = join(dir, 'secret.json')
    await writeFile(path, 'before')
    failing.next = true
    await expect(writePrivateFile(path, '{"password":"new secret"}')).rejects.toThrow(/ENOSPC/)
    expect(await readFile(path, 'utf8')).toBe('before')
    expect(await readdir(dir)).toEqual(['secret.json'])
  })
})
