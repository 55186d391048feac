import { cp, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ERROR_EXIT_CODES } from '../src/index.js'
import { run, temporaryDirectory, writeBindingFile } from './support/command.js'
import { linkDependencies, packageDir } from './support/installed-packages.js'

// An installation with the command and core but no provider, as `npm i @artifact-registry/cli`
// alone makes one: the built packages copied into a node_modules of their own.
const work = await temporaryDirectory('cli-missing-provider-')
afterAll(() => work[Symbol.asyncDispose]())
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
await linkDependencies('@artifact-registry/cli', modules)
await linkDependencies('@artifact-registry/core', modules)
const bin = join(modules, '@artifact-registry/cli/bin/artifact-registry.js')

describe('a binding whose provider is not installed', () => {
  it.each(['aws', 'azure'])('%s: PROVIDER_NOT_INSTALLED with the npm i line', async (platform) => {
    const binding =
      platform === 'aws'
        ? { platform, region: 'us-east-1', repositoryPrefix: 'acme' }
        : {
            platform,
            subscriptionId: '00000000-0000-4000-8000-000000000000',
            resourceGroup: 'rg',
            registryName: 'acmeregistry',
          }
    const file = await writeBindingFile(work.dir, binding, `${platform}.json`)
    const result = await run(bin, ['repo', 'get', 'x', '--binding-file', file])
    expect(result.status, result.stderr).toBe(ERROR_EXIT_CODES.PROVIDER_NOT_INSTALLED)
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

// A provider package from before listRepositories: it declares no such capability.
const older = join(modules, '@artifact-registry/provider-local')
await mkdir(older, { recursive: true })
await writeFile(
  join(older, 'package.json'),
  JSON.stringify({
    name: '@artifact-registry/provider-local',
    type: 'module',
    exports: './index.js',
  }),
)
await writeFile(
  join(older, 'index.js'),
  `export function fromBinding() {
  const unused = () => Promise.reject(new Error('not used by this test'))
  return {
    platform: 'local',
    capabilities: { crossAccountAccess: null, implicitRepositories: false, credentialAuthMethod: 'basic',
      repositoryScopedCredentials: true, repositoryScopedGrants: true },
    registryEndpoint: 'http://127.0.0.1:1',
    createRepository: unused, getRepository: unused, deleteRepository: unused, generateCredentials: unused,
    addCrossAccountAccess: unused, removeCrossAccountAccess: unused, getCrossAccountAccess: unused,
    close: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  }
}
`,
)

describe('a provider without capabilities.listRepositories', () => {
  it('repo list is NOT_SUPPORTED, saying why', async () => {
    const file = await writeBindingFile(
      work.dir,
      { platform: 'local', url: 'http://127.0.0.1:1' },
      'older.json',
    )
    const result = await run(bin, ['repo', 'list', '--binding-file', file])
    expect(result.status).toBe(ERROR_EXIT_CODES.NOT_SUPPORTED)
    expect(result.stderr).toBe(
      'The local provider installed here cannot list repositories (capabilities.listRepositories is not true)\n',
    )
  })
})
