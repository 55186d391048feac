import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tar } from '../src/index.js'

describe('tar', () => {
  let work = ''
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'test-kit-tar-'))
  })
  afterEach(() => rm(work, { recursive: true, force: true }))

  it('writes an archive GNU tar extracts: contents, modes and parent directories', async () => {
    const archive = tar([
      { path: 'etc/motd', content: 'hello\n' },
      { path: 'app/bin/run.sh', content: '#!/bin/sh\n', mode: 0o755 },
      { path: 'data.bin', content: new Uint8Array(1500).fill(7) },
    ])
    expect(archive.length % 512).toBe(0)
    await writeFile(join(work, 'layer.tar'), archive)
    const listing = execFileSync('tar', ['-tvf', join(work, 'layer.tar')], { encoding: 'utf8' })
    expect(
      listing
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(/\s+/).at(-1)),
    ).toEqual(['etc/', 'etc/motd', 'app/', 'app/bin/', 'app/bin/run.sh', 'data.bin'])
    execFileSync('tar', ['-xf', join(work, 'layer.tar'), '-C', work])
    expect(await readFile(join(work, 'etc/motd'), 'utf8')).toBe('hello\n')
    expect((await readFile(join(work, 'data.bin'))).equals(Buffer.alloc(1500, 7))).toBe(true)
    expect((await stat(join(work, 'app/bin/run.sh'))).mode & 0o777).toBe(0o755)
    expect((await stat(join(work, 'etc/motd'))).mode & 0o777).toBe(0o644)
  })

  it('gives the same bytes for the same entries (stable layer digests)', () => {
    const entries = [{ path: 'a/b.txt', content: 'same' }]
    expect(tar(entries).equals(tar(entries))).toBe(true)
  })

  it('refuses a path ustar cannot hold', () => {
    expect(() => tar([{ path: `${'x'.repeat(101)}`, content: '' }])).toThrow(TypeError)
  })
})
