import { readFileSync } from 'node:fs'
import { cp, mkdir, symlink } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EXIT } from '../src/index.js'
import { run, temporaryDirectory } from './support/command.js'

// `npm i -g @artifact-registry/cli @artifact-registry/provider-local`, the README's install line,
// lays packages out as npm does for global packages: each top-level package holds its own
// dependencies, so the registry server provider-local depends on sits under provider-local, not
// beside the command. Built here from the built packages; third-party dependencies are linked.
const work = await temporaryDirectory('cli-global-install-')
afterAll(() => work[Symbol.asyncDispose]())
const require = createRequire(import.meta.url)

/** The directory of package `name` as `from` resolves it (not every package exports its package.json). */
function packageDir(name: string, from = require): string {
  let dir = dirname(from.resolve(name))
  while (dirname(dir) !== dir) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === name) return dir
    } catch {
      // no package.json here: one level up
    }
    dir = dirname(dir)
  }
  throw new Error(`no package.json of ${name} above ${from.resolve(name)}`)
}
const requireFrom = (name: string) => createRequire(join(packageDir(name), 'package.json'))

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

/** Link the third-party package `name`, as `owner` resolves it, into `modules`. */
async function linkThirdParty(owner: string, name: string, modules: string): Promise<void> {
  const target = join(modules, name)
  await mkdir(dirname(target), { recursive: true })
  await symlink(packageDir(name, requireFrom(owner)), target)
}

await copyBuilt('@artifact-registry/cli', cliDir)
await copyBuilt('@artifact-registry/core', join(cliDir, 'node_modules/@artifact-registry/core'))
await linkThirdParty('@artifact-registry/cli', 'commander', join(cliDir, 'node_modules'))
await linkThirdParty('@artifact-registry/core', 'zod', join(cliDir, 'node_modules'))

const nested = join(providerLocalDir, 'node_modules')
await copyBuilt('@artifact-registry/provider-local', providerLocalDir)
await copyBuilt(
  '@artifact-registry/registry-server',
  join(nested, '@artifact-registry/registry-server'),
)
await copyBuilt('@artifact-registry/core', join(nested, '@artifact-registry/core'))
await linkThirdParty('@artifact-registry/core', 'zod', nested)
for (const name of ['jose', '@peculiar/asn1-x509', '@peculiar/asn1-schema']) {
  await linkThirdParty('@artifact-registry/registry-server', name, nested)
}
await linkThirdParty('@artifact-registry/provider-local', 'write-file-atomic', nested)

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
