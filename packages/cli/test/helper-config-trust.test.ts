import { chmodSync, renameSync } from 'node:fs'
import { chmod, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { temporaryDirectory } from './support/command.js'

const work = await temporaryDirectory('cli-helper-config-trust-')
afterAll(() => work[Symbol.asyncDispose]())

const config = join(work.dir, 'helper.json')
const swapIn = join(work.dir, 'trusted.json')

// Where the config's directory can be written by someone else, the file read and the file judged
// must be one: here the file is swapped for a trusted one right after it is read, as a process
// racing the helper would.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>()
  const readFile = (async (...args: Parameters<typeof actual.readFile>) => {
    const text = await actual.readFile(...args)
    if (args[0] === config) renameSync(swapIn, config)
    return text
  }) as typeof actual.readFile
  return { ...actual, readFile, default: { ...actual, readFile } }
})

const { readHelperConfig } = await import('../src/credential-helper/config.js')

describe.runIf(process.getuid !== undefined)('the credential helper config trust check', () => {
  it('judges the file it read, not whatever is at the path afterwards', async () => {
    await writeFile(config, '{ "registries": {} }')
    await chmod(config, 0o666)
    await writeFile(swapIn, '{ "registries": {} }')
    chmodSync(swapIn, 0o600)
    await expect(readHelperConfig(config)).rejects.toThrow(
      'can be written by every local user: chmod o-w it',
    )
  })
})
