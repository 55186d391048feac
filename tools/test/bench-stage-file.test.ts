import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { stageFile } from '../bench/stage-file.js'

// curl sends the staged file as the blob: it must hold exactly the round's bytes, whatever the
// file held before. (What staging in place saves, memory the page cache would otherwise take
// afresh each round, shows in the benchmark's by-thread table, not in a unit test.)

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bench-stage-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('stageFile', () => {
  it('creates a missing file with the bytes', async () => {
    const file = join(dir, 'blob')
    await stageFile(file, Buffer.from('first round'))
    expect(await readFile(file, 'utf8')).toBe('first round')
  })

  it('overwrites a longer file, cut to the new length', async () => {
    const file = join(dir, 'blob')
    await writeFile(file, 'a longer previous round')
    await stageFile(file, Buffer.from('next round'))
    expect(await readFile(file, 'utf8')).toBe('next round')
  })

  it('grows a shorter file', async () => {
    const file = join(dir, 'blob')
    await writeFile(file, 'short')
    await stageFile(file, Buffer.from('a longer round'))
    expect(await readFile(file, 'utf8')).toBe('a longer round')
  })
})
