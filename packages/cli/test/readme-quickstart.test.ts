import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { CLI, cleanEnv, temporaryDirectory } from './support/command.js'
import { linkBin } from './support/linked-bin.js'

/** The sh block of the root README's "Command line" section, exactly as written. */
function quickstart(): string {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf('\n## Command line\n'))
  const block = section.match(/```sh\n([\s\S]*?)```/)?.[1]
  if (block === undefined)
    throw new Error('the root README has no sh block under "## Command line"')
  return block
}

describe('the root README command line quickstart', () => {
  it('runs as written from an empty directory, with the command linked as npm links it', async () => {
    await using work = await temporaryDirectory('cli-quickstart-')
    const cwd = join(work.dir, 'project')
    await import('node:fs/promises').then((fs) => fs.mkdir(cwd))
    const PATH = await linkBin(join(work.dir, 'bin'), 'artifact-registry', CLI)
    const script = quickstart()
    expect(script).toContain('artifact-registry repo create prj_abc123')
    const { stdout } = await promisify(execFile)('sh', ['-ec', script], {
      cwd,
      env: cleanEnv({ PATH }),
    })
    expect(stdout).toMatch(/^name: +artifacts\/prj_abc123$/m)
    expect(stdout).toMatch(
      /^NAME +URI +CREATED\nartifacts\/prj_abc123 +127\.0\.0\.1:\d+\/artifacts\/prj_abc123 +\d+ seconds? ago$/m,
    )
    const credentials = JSON.parse(stdout.slice(stdout.indexOf('{'), stdout.lastIndexOf('}') + 1))
    expect(credentials).toMatchObject({
      registry: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      authMethod: 'basic',
    })
    expect(stdout).toMatch(/^revoked 1 credential \(every credential of artifacts\/prj_abc123\)$/m)
    expect(stdout).toMatch(/^deleted artifacts\/prj_abc123$/m)
    expect(existsSync(join(cwd, 'registry'))).toBe(true)
  })
})
