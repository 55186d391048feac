import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createArtifactRegistry } from '@artifact-registry/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'

// A dataDir the embedded registry cannot use is a bad option: INVALID_CONFIG naming dataDir, as
// every other bad option is, not Node's bare ENOTDIR or EEXIST (which the CLI could only report as
// an unexpected failure, exit 1).

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unusable-data-directory-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('a data directory that is a file, or below one', () => {
  it('is INVALID_CONFIG naming dataDir, and nothing is made', async () => {
    const file = join(dir, 'registry')
    await writeFile(file, 'not a directory\n')
    for (const dataDir of [file, join(file, 'below')]) {
      await expect(local({ dataDir })).rejects.toMatchObject({
        code: 'INVALID_CONFIG',
        platform: 'local',
        message: expect.stringContaining(`Cannot use the data directory ${dataDir} (`),
        issues: [{ path: 'dataDir', message: expect.stringContaining('not a directory') }],
      })
      await expect(createArtifactRegistry({ platform: 'local', dataDir })).rejects.toMatchObject({
        code: 'INVALID_CONFIG',
        issues: [{ path: 'dataDir' }],
      })
    }
    expect(await readdir(dir)).toEqual(['registry'])
  })
})
