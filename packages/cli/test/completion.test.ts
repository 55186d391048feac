import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { EXIT } from '../src/index.js'
import { COMMANDS, cli, parseJson, temporaryDirectory } from './support/command.js'

const work = await temporaryDirectory('cli-completion-')
afterAll(() => work[Symbol.asyncDispose]())
const exec = promisify(execFile)

async function script(shell: string): Promise<string> {
  const result = await cli(['completion', shell])
  expect(result.status).toBe(EXIT.ok)
  return result.stdout
}

const bash = await script('bash')
const bashFile = join(work.dir, 'artifact-registry.bash')
await writeFile(bashFile, bash)

/** What bash offers after `words` (the last one is being typed), as a user pressing Tab sees it. */
async function bashOffers(...words: string[]): Promise<string[]> {
  const line = ['artifact-registry', ...words].map((w) => `'${w}'`).join(' ')
  const program = `source '${bashFile}'
COMP_WORDS=(${line}); COMP_CWORD=${words.length}
_artifact_registry
printf '%s\\n' "\${COMPREPLY[@]}"`
  const { stdout } = await exec('bash', ['-c', program])
  return stdout.split('\n').filter((word) => word !== '')
}

describe('completion bash', () => {
  it('is valid bash (bash -n) and registers a completion for artifact-registry', async () => {
    await exec('bash', ['-n', bashFile])
    const { stdout } = await exec('bash', [
      '-c',
      `source '${bashFile}'; complete -p artifact-registry`,
    ])
    expect(stdout).toContain('-F _artifact_registry artifact-registry')
  })

  it('offers the commands, then each command’s subcommands', async () => {
    expect(await bashOffers('')).toEqual(expect.arrayContaining([...COMMANDS]))
    expect(await bashOffers('re')).toEqual(['repo', 'revoke'])
    expect((await bashOffers('repo', '')).sort()).toEqual(['create', 'delete', 'get', 'list'])
    expect((await bashOffers('access', '')).sort()).toEqual(['add', 'get', 'remove'])
  })

  it('offers a command’s flags after -, and a flag’s choices after it', async () => {
    const flags = await bashOffers('credentials', 'artifacts/app', '--')
    expect(flags).toEqual(
      expect.arrayContaining([
        '--permission',
        '--ttl',
        '--format',
        '--binding',
        '--binding-file',
        '--json',
      ]),
    )
    expect(await bashOffers('credentials', 'artifacts/app', '--format', '')).toEqual([
      'json',
      'env',
      'password',
    ])
    expect(await bashOffers('login', 'x', '--client', 'p')).toEqual(['podman'])
    expect(await bashOffers('repo', 'list', '--pre')).toEqual(['--prefix'])
  })

  it('offers the values of a command’s argument after the command: the platform, the shell', async () => {
    expect(await bashOffers('provision', '')).toEqual(['aws', 'gcp', 'azure', 'local'])
    expect(await bashOffers('deprovision', 'l')).toEqual(['local'])
    expect(await bashOffers('completion', '')).toEqual(['bash', 'zsh', 'fish'])
    // Its flags still follow it.
    expect(await bashOffers('provision', 'local', '--data')).toEqual(['--data-dir'])
  })

  it('still offers a command’s flags typed before its argument', async () => {
    expect(await bashOffers('provision', '--dry')).toEqual(['--dry-run'])
    expect(await bashOffers('deprovision', '--for')).toEqual(['--force'])
    expect(await bashOffers('completion', '--he')).toEqual(['--help'])
    // A flag's own values are still offered after it.
    expect(await bashOffers('login', 'x', '--client', 'p')).toEqual(['podman'])
  })
})

describe('completion zsh and fish', () => {
  it('zsh defines a compdef function over the same commands', async () => {
    const zsh = await script('zsh')
    expect(zsh.split('\n')[0]).toBe('#compdef artifact-registry')
    expect(zsh).toContain('compdef _artifact_registry artifact-registry')
    expect(zsh).toMatch(/"repo"\) echo "create get delete list" ;;/)
  })

  it('fish has one complete line per subcommand, offered only after its parent', async () => {
    const fish = await script('fish')
    expect(fish).toContain("complete -c artifact-registry -f -n '__fish_use_subcommand' -a 'repo'")
    expect(fish).toContain(
      "complete -c artifact-registry -f -n '__fish_seen_subcommand_from repo; and not __fish_seen_subcommand_from create get delete list' -a 'create'",
    )
    expect(fish).toMatch(/-l permission -x -a 'pull push-pull'/)
  })

  it('both offer the platform after provision, and the shell after completion', async () => {
    expect(await script('zsh')).toContain('"provision provision") echo "aws gcp azure local" ;;')
    const fish = await script('fish')
    expect(fish).toContain(
      "complete -c artifact-registry -f -n '__fish_seen_subcommand_from provision; and not __fish_seen_subcommand_from aws gcp azure local' -a 'aws gcp azure local'",
    )
    expect(fish).toContain(
      "complete -c artifact-registry -f -n '__fish_seen_subcommand_from completion; and not __fish_seen_subcommand_from bash zsh fish' -a 'bash zsh fish'",
    )
  })

  it('--json wraps the script: { shell, script }', async () => {
    const json = parseJson(await cli(['completion', 'fish', '--json']))
    expect(json).toEqual({ shell: 'fish', script: await script('fish') })
  })

  it('an unknown shell is a usage error', async () => {
    const result = await cli(['completion', 'tcsh'])
    expect(result.status).toBe(EXIT.usage)
    expect(result.stderr).toContain('Allowed choices are bash, zsh, fish')
  })
})
