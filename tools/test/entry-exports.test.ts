import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { entryExports, undocumented } from './entry-exports.js'
import { REPO_ROOT } from './repo-root.js'

// An export the README never names is API nobody promised: it gets used, and then it cannot
// change. Core, every provider package, the registry server, the contract suite and the CLI
// export only what their README documents; tests reach internals through the file that defines
// them.
const PACKAGES = [
  'core',
  'provider-aws',
  'provider-gcp',
  'provider-azure',
  'provider-local',
  'registry-server',
  'testing',
  'cli',
]

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8')

describe('package entries export only what their README documents', () => {
  it.each(PACKAGES)('%s', (pkg) => {
    const names = entryExports(read(`packages/${pkg}/src/index.ts`))
    expect(names.length).toBeGreaterThan(0)
    expect(undocumented(names, read(`packages/${pkg}/README.md`))).toEqual([])
  })

  // The ./provision subpath of a provider is an entry too (the runtime entry never loads it).
  it.each(
    PACKAGES.filter((pkg) => existsSync(join(REPO_ROOT, `packages/${pkg}/src/provision/index.ts`))),
  )('%s/provision', (pkg) => {
    const names = entryExports(read(`packages/${pkg}/src/provision/index.ts`))
    expect(names).toEqual(expect.arrayContaining(['provision', 'deprovision']))
    expect(undocumented(names, read(`packages/${pkg}/README.md`))).toEqual([])
  })

  // Core's light subpaths export what the main entry does for errors and TTLs, and no more.
  it.each([
    ['errors', 'ArtifactRegistryError'],
    ['ttl', 'resolveTtl'],
  ])('core/%s', (subpath, expected) => {
    const names = entryExports(read(`packages/core/src/${subpath}.ts`))
    expect(names).toContain(expected)
    expect(undocumented(names, read('packages/core/README.md'))).toEqual([])
    const main = entryExports(read('packages/core/src/index.ts'))
    expect(names.filter((name) => !main.includes(name))).toEqual([])
  })

  it('every provider exports the same shape: factory, class, fromBinding, PLATFORM, capabilities', () => {
    const shapes = [
      ['provider-aws', 'aws', 'AwsProvider', 'AWS_CAPABILITIES'],
      ['provider-gcp', 'gcp', 'GcpProvider', 'GCP_CAPABILITIES'],
      ['provider-azure', 'azure', 'AzureProvider', 'AZURE_CAPABILITIES'],
      ['provider-local', 'local', 'LocalProvider', 'LOCAL_CAPABILITIES'],
    ]
    for (const [pkg, factory, provider, capabilities] of shapes) {
      const names = entryExports(read(`packages/${pkg}/src/index.ts`))
      expect(names).toEqual(
        expect.arrayContaining([factory, provider, 'fromBinding', 'PLATFORM', capabilities]),
      )
    }
  })
})

describe('entryExports', () => {
  it('reads export lists, renames and declarations, and refuses export *', () => {
    const source = [
      "export { a, type B, c as d } from './x.js'",
      "export type {\n  E,\n  F,\n} from './y.js'",
      'export const G = 1',
      'export async function h(): Promise<void> {}',
      'export interface I {}',
      'const hidden = 2',
    ].join('\n')
    expect(entryExports(source)).toEqual(['B', 'E', 'F', 'G', 'I', 'a', 'd', 'h'])
    expect(() => entryExports("export * from './z.js'")).toThrow(TypeError)
  })

  it('counts a name as documented only as a whole word', () => {
    expect(undocumented(['PLATFORM', 'aws'], 'the `PLATFORM` constant and `aws(options)`')).toEqual(
      [],
    )
    expect(undocumented(['PULL_SID'], 'the PULL_SIDE of things')).toEqual(['PULL_SID'])
  })
})
