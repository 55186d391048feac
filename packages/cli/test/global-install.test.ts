import { cp, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EXIT } from '../src/index.js'
import { run, temporaryDirectory } from './support/command.js'
import { linkDependencies, packageDir } from './support/installed-packages.js'

// `npm i -g @artifact-registry/cli @artifact-registry/provider-local`, the README's install line,
// lays packages out as npm does for global packages: each top-level package holds its own
// dependencies, so the registry server provider-local depends on sits under provider-local, not
// beside the command. Built here from the built packages; third-party dependencies are linked.
const work = await temporaryDirectory('cli-global-install-')
afterAll(() => work[Symbol.asyncDispose]())
const globalModules = join(work.dir, 'lib', 'node_modules')
const cliDir = join(globalModules, '@artifact-registry/cli')
const providerLocalDir = join(globalModules, '@artifact-registry/provider-local')

/** Copy our built package `name` to `target` (its package.json, bin and dist). */
async function copyBuilt(name: string, target: string): Promise<void> {
  await mkdir(target, { recursive: true })
  for (const entry of ['package.json', 'bin', 'dist']) {
    await cp(join(packageDir(name), entry), join(target, entry), { recursive: true }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error
      },
    )
  }
}

await copyBuilt('@artifact-registry/cli', cliDir)
await copyBuilt('@artifact-registry/core', join(cliDir, 'node_modules/@artifact-registry/core'))
await linkDependencies('@artifact-registry/cli', join(cliDir, 'node_modules'))
await linkDependencies('@artifact-registry/core', join(cliDir, 'node_modules'))

const nested = join(providerLocalDir, 'node_modules')
await copyBuilt('@artifact-registry/provider-local', providerLocalDir)
await copyBuilt(
  '@artifact-registry/registry-server',
  join(nested, '@artifact-registry/registry-server'),
)
await copyBuilt('@artifact-registry/core', join(nested, '@artifact-registry/core'))
for (const owner of ['core', 'registry-server', 'provider-local']) {
  await linkDependencies(`@artifact-registry/${owner}`, nested)
}

describe('a global install of the command and provider-local', () => {
  it('serve runs the registry server that provider-local brought (the README installs no other)', async () => {
    const result = await run(
      join(cliDir, 'bin/artifact-registry.js'),
      ['serve', '--data', join(work.dir, 'data'), '--port', '0', '--json'],
      {
        cwd: work.dir,
        started: (child) => {
          child.stdout?.on('data', (chunk: Buffer) => {
            if (chunk.toString().includes('"listening"')) child.kill('SIGTERM')
          })
        },
      },
    )
    expect(result.status, result.stderr).toBe(EXIT.ok)
    const [listening] = result.stdout.split('\n')
    expect(JSON.parse(listening ?? '')).toMatchObject({
      event: 'listening',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    })
  })
})
