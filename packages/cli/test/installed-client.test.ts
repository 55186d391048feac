import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isInstalled } from '../src/installed-client.js'

const dir = await mkdtemp(join(tmpdir(), 'cli-installed-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

async function pathWith(name: string, kind: 'executable' | 'plain file' | 'directory') {
  const bin = join(dir, `${name}-${kind.replace(' ', '-')}`)
  await mkdir(bin)
  const target = join(bin, name)
  if (kind === 'directory') await mkdir(target)
  else await writeFile(target, '#!/bin/sh\nexit 0\n')
  if (kind === 'executable') await chmod(target, 0o755)
  if (kind === 'plain file') await chmod(target, 0o644)
  return bin
}

describe.skipIf(process.platform === 'win32')('isInstalled', () => {
  it('finds an executable file in any directory of PATH', async () => {
    const bin = await pathWith('podman', 'executable')
    const PATH = [join(dir, 'nowhere'), '', bin].join(delimiter)
    expect(await isInstalled('podman', { PATH })).toBe(true)
  })

  it('does not count a file that cannot be run, a directory, or an empty PATH', async () => {
    const plain = await pathWith('buildah', 'plain file')
    const folder = await pathWith('skopeo', 'directory')
    expect(await isInstalled('buildah', { PATH: plain })).toBe(false)
    expect(await isInstalled('skopeo', { PATH: folder })).toBe(false)
    expect(await isInstalled('podman', {})).toBe(false)
  })
})
