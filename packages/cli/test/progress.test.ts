import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { CLI, cleanEnv, cli, temporaryDirectory, writeBindingFile } from './support/command.js'

const work = await temporaryDirectory('cli-progress-')
afterAll(() => work[Symbol.asyncDispose]())
const bindingFile = await writeBindingFile(work.dir, {
  platform: 'local',
  dataDir: `${work.dir}/data`,
})

/** Run the command with a terminal for stdin, stdout and stderr (util-linux `script`). */
async function inTerminal(args: string[]): Promise<string> {
  const command = [process.execPath, CLI, ...args].map((w) => `'${w}'`).join(' ')
  const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], {
    env: cleanEnv(),
  })
  return stdout.replaceAll('\r\n', '\n')
}

describe('progress', () => {
  it('goes to stderr when it is a terminal', async () => {
    const output = await inTerminal(['repo', 'create', 'shown', '--binding-file', bindingFile])
    expect(output).toContain('creating shown…\n')
    expect(output).toMatch(/^name: +artifacts\/shown$/m)
  })

  it('shows each provisioning change as it is decided, on a terminal', async () => {
    const data = `${work.dir}/provisioned`
    const output = await inTerminal(['provision', 'local', '--data-dir', data, '--json'])
    expect(output).toContain(`create data-directory ${data} (a new registry data directory)\n`)
    const piped = await cli(['provision', 'local', '--data-dir', `${work.dir}/piped`, '--json'])
    expect(piped.stderr).toBe('')
  })

  it('is never written to a pipe', async () => {
    const result = await cli(['repo', 'create', 'quiet', '--binding-file', bindingFile])
    expect(result.stdout).toMatch(/^name: +artifacts\/quiet$/m)
    expect(result.stderr).toBe('')
  })
})
