import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli, startCli } from '../support/command.js'

let work: string
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'cli-command-line-'))
})
afterEach(async () => {
  await rm(work, { recursive: true, force: true })
})

const USAGE_START = 'Usage: artifact-registry-local'

describe('artifact-registry-local command line', () => {
  it('--version prints the package version and exits 0', async () => {
    const manifest = JSON.parse(
      await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string }
    const run = runCli(['--version'])
    expect(run).toMatchObject({ status: 0, stdout: `${manifest.version}\n` })
  })

  it('--help prints the usage with the exit statuses on stdout and exits 0', () => {
    const run = runCli(['--help'])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain(USAGE_START)
    expect(run.stdout).toContain('0 ok, 2 usage error, 1 runtime error')
  })

  it.each([
    ['an unknown command', ['deploy', '--data', 'x'], 'unknown command "deploy"'],
    ['no command', ['--data', 'x'], 'a command is required'],
    ['a missing --data', ['serve'], '--data is required'],
    ['an unknown flag', ['serve', '--data', 'x', '--colour'], 'unknown flag --colour'],
    ['an unknown short flag', ['serve', '-x'], 'unknown flag -x'],
    ['a flag without its value', ['serve', '--data'], "Option '--data <value>' argument missing"],
    ['a bad port', ['serve', '--data', 'x', '--port', '99999'], '--port must be a port number'],
    [
      'a bad log level',
      ['serve', '--data', 'x', '--log-level', 'loud'],
      '--log-level must be one of',
    ],
    ['an extra argument', ['serve', 'now', '--data', 'x'], 'unexpected argument "now"'],
    [
      'an --admin-user with a colon',
      ['serve', '--data', 'x', '--admin-user', 'ops:team'],
      '--admin-user must not contain a colon',
    ],
    [
      'both --admin-password and --admin-password-file',
      ['serve', '--data', 'x', '--admin-password', 'a', '--admin-password-file', 'f'],
      '--admin-password and --admin-password-file conflict',
    ],
  ])('%s is a usage error: the problem, then the usage, exit 2', (_, args, message) => {
    const run = runCli(args)
    expect(run.status).toBe(2)
    expect(run.stdout).toBe('')
    const [first, ...rest] = run.stderr.split('\n')
    expect(first?.startsWith(`artifact-registry-local: ${message}`), first).toBe(true)
    expect(rest.join('\n')).toContain(USAGE_START)
  })

  it('a failure while running is exit 1 with the reason and without the usage', async () => {
    const missing = join(work, 'no-such-password-file')
    const run = runCli(['serve', '--data', join(work, 'data'), '--admin-password-file', missing])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('no-such-password-file')
    expect(run.stderr).not.toContain(USAGE_START)
  })

  it('an empty password file is a runtime error naming the file', async () => {
    const file = join(work, 'empty-password')
    await writeFile(file, '\nsecond line\n')
    const run = runCli(['serve', '--data', join(work, 'data'), '--admin-password-file', file])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(`${file}: the first line (the admin password) is empty`)
  })

  it('a clean stop on SIGTERM is exit 0', async () => {
    const server = await startCli(['serve', '--data', join(work, 'data'), '--port', '0'])
    expect(await server.stop()).toBe(0)
  })
})
