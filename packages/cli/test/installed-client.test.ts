import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { lookUpClient } from '../src/installed-client.js'

const dir = await mkdtemp(join(tmpdir(), 'cli-installed-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

/** A directory holding `name` as an executable, a file without execute bits, or a directory. */
async function binWith(name: string, kind: 'executable' | 'plain file' | 'directory') {
  const bin = join(dir, `${name}-${kind.replace(' ', '-')}`)
  await mkdir(bin)
  const target = join(bin, name)
  if (kind === 'directory') await mkdir(target)
  else
    await writeFile(target, '#!/bin/sh\nexit 0\n', { mode: kind === 'executable' ? 0o755 : 0o644 })
  await chmod(bin, 0o755)
  return bin
}

// Each case is what execvp (and so spawn) does with the same PATH.
describe.skipIf(process.platform === 'win32')('lookUpClient', () => {
  it('finds an executable file in a later directory of PATH', async () => {
    const bin = await binWith('podman', 'executable')
    expect(
      await lookUpClient('podman', { PATH: [join(dir, 'nowhere'), bin].join(delimiter) }),
    ).toBe('runnable')
  })

  it('passes over a directory or a file that cannot be run, and says which it found', async () => {
    const plain = await binWith('buildah', 'plain file')
    const folder = await binWith('skopeo', 'directory')
    expect(await lookUpClient('buildah', { PATH: plain })).toBe('not executable')
    expect(await lookUpClient('skopeo', { PATH: folder })).toBe('missing')
    const runnable = await binWith('buildah', 'executable')
    expect(await lookUpClient('buildah', { PATH: [plain, runnable].join(delimiter) })).toBe(
      'runnable',
    )
  })

  it('searches /usr/bin and /bin when PATH is unset', async () => {
    expect(await lookUpClient('sh', {})).toBe('runnable')
    expect(await lookUpClient('no-such-client-anywhere', {})).toBe('missing')
  })

  it('reads an empty entry as the current directory, and a `..` after a symlink as the kernel does', async () => {
    const bin = await binWith('docker', 'executable')
    const cwd = process.cwd()
    process.chdir(bin)
    try {
      expect(await lookUpClient('docker', { PATH: `${join(dir, 'nowhere')}${delimiter}` })).toBe(
        'runnable',
      )
    } finally {
      process.chdir(cwd)
    }
    // link -> real/sub, so link/.. is real (where the client is), not the folder link is in.
    await mkdir(join(dir, 'real', 'sub'), { recursive: true })
    await mkdir(join(dir, 'real', 'bin'))
    await writeFile(join(dir, 'real', 'bin', 'podman'), '#!/bin/sh\n', { mode: 0o755 })
    await symlink(join(dir, 'real', 'sub'), join(dir, 'link'))
    expect(await lookUpClient('podman', { PATH: `${join(dir, 'link')}/../bin` })).toBe('runnable')
  })
})
