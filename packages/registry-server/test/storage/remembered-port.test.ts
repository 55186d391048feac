import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REMEMBERED_PORT_FILE, readRememberedPort } from '../../src/index.js'

const dir = await mkdtemp(join(tmpdir(), 'remembered-port-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('readRememberedPort', () => {
  it('reads the port, none without a record, and says why a record is unusable', async () => {
    expect(await readRememberedPort(dir)).toEqual({ state: 'none' })
    const path = join(dir, REMEMBERED_PORT_FILE)
    await writeFile(path, '{"port": 41234}\n')
    expect(await readRememberedPort(dir)).toEqual({ state: 'port', port: 41234 })
    for (const content of [
      '{"port": 0}',
      '{"port": 65536}',
      '{"port": "5000"}',
      'null',
      'not json',
    ]) {
      await writeFile(path, content)
      expect(await readRememberedPort(dir), content).toEqual({
        state: 'unusable',
        path,
        problem: expect.stringContaining('does not hold'),
      })
    }
  })

  it('reads none for a data directory that is a file, which the start reports', async () => {
    const file = join(dir, 'a-file')
    await writeFile(file, '')
    expect(await readRememberedPort(file)).toEqual({ state: 'none' })
  })
})
