import { cp, mkdir, symlink } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ERROR_EXIT_CODES } from '../src/index.js'
import { run, temporaryDirectory, writeBindingFile } from './support/command.js'

// An installation with the command and core but no provider, as `npm i @artifact-registry/cli`
// alone makes one: the built packages copied into a node_modules of their own.
const work = await temporaryDirectory('cli-missing-provider-')
afterAll(() => work[Symbol.asyncDispose]())
const require = createRequire(import.meta.url)
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`))
const modules = join(work.dir, 'node_modules')
for (const name of ['@artifact-registry/cli', '@artifact-registry/core']) {
  const target = join(modules, name)
  await mkdir(target, { recursive: true })
  for (const entry of ['package.json', 'bin', 'dist']) {
    await cp(join(packageDir(name), entry), join(target, entry), { recursive: true }).catch((e) => {
      if (entry !== 'bin') throw e
    })
  }
}
// Their dependencies are linked, as they are third-party packages that resolve nothing of ours.
const core = createRequire(join(packageDir('@artifact-registry/core'), 'package.json'))
await symlink(dirname(core.resolve('zod/package.json')), join(modules, 'zod'))
await symlink(dirname(require.resolve('commander')), join(modules, 'commander'))
const bin = join(modules, '@artifact-registry/cli/bin/artifact-registry.js')

describe('a binding whose provider is not installed', () => {
  it.each(['aws', 'local'])('%s: PROVIDER_NOT_INSTALLED with the npm i line', async (platform) => {
    const binding =
      platform === 'aws'
        ? { platform, region: 'us-east-1', repositoryPrefix: 'acme' }
        : { platform }
    const file = await writeBindingFile(work.dir, binding, `${platform}.json`)
    const result = await run(bin, ['repo', 'get', 'x', '--binding-file', file])
    expect(result.status).toBe(ERROR_EXIT_CODES.PROVIDER_NOT_INSTALLED)
    expect(result.stderr).toBe(
      `[core] @artifact-registry/provider-${platform} is not installed. Install it with: npm i @artifact-registry/provider-${platform}\n`,
    )
  })

  it('serve without the registry server: the same, for @artifact-registry/registry-server', async () => {
    const result = await run(bin, ['serve', '--data', join(work.dir, 'data')])
    expect(result.status).toBe(ERROR_EXIT_CODES.PROVIDER_NOT_INSTALLED)
    expect(result.stderr).toContain('npm i @artifact-registry/registry-server')
  })
})
