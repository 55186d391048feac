import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ERROR_EXIT_CODES } from '../src/index.js'
import { cli, temporaryDirectory } from './support/command.js'

const work = await temporaryDirectory('cli-duplicate-keys-')
afterAll(() => work[Symbol.asyncDispose]())

// Whoever reviews a file reads the first `url`; JSON.parse would keep the second.
const TWICE = `{
  "platform": "local",
  "url": "http://127.0.0.1:9",
  "adminCredentials": { "username": "admin", "password": "x", "username": "root" },
  "url": "http://127.0.0.1:10"
}`

describe('a key given twice in a file the user names is refused, naming it', () => {
  it('a binding file, before anything is asked of the registry', async () => {
    const file = join(work.dir, 'binding.json')
    await writeFile(file, TWICE, { mode: 0o600 })
    const result = await cli(['repo', 'get', 'app', '--binding-file', file])
    expect(result.status).toBe(ERROR_EXIT_CODES.INVALID_CONFIG)
    expect(result.stderr).toBe(
      `The binding file ${file} gives a key more than once (adminCredentials.username, url): keep one of each\n`,
    )
  })

  it('a provisioning options file, with each key in --json', async () => {
    const file = join(work.dir, 'options.json')
    await writeFile(file, '{"dataDir": "/a", "dataDir": "/b"}', { mode: 0o600 })
    const result = await cli(['provision', 'local', '--options-file', file, '--dry-run', '--json'])
    expect(result.status).toBe(ERROR_EXIT_CODES.INVALID_CONFIG)
    expect(JSON.parse(result.stderr).error).toMatchObject({
      code: 'INVALID_CONFIG',
      issues: [{ path: 'dataDir', message: expect.stringContaining('more than once') }],
    })
  })
})
