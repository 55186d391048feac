import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { entryExports } from './entry-exports.js'
import { REPO_ROOT } from './repo-root.js'

// Every provider package is built the same way, so the same file name means the same concept in
// each: find `fromBinding` in from-binding.ts, the options and their validation in options.ts,
// the error mapping in map-error.ts, whichever provider you read.
const PROVIDERS = ['aws', 'gcp', 'azure', 'local']

const source = (provider: string, file: string): string =>
  readFileSync(join(REPO_ROOT, `packages/provider-${provider}/src/${file}`), 'utf8')

describe('every provider has the same layout', () => {
  it.each(PROVIDERS)('provider-%s', (provider) => {
    const files = [
      `${provider}-provider.ts`,
      'from-binding.ts',
      'platform.ts',
      'options.ts',
      'naming.ts',
      'capabilities.ts',
      'map-error.ts',
      'list-repositories.ts',
    ]
    const missing = files.filter(
      (file) => !existsSync(join(REPO_ROOT, `packages/provider-${provider}/src/${file}`)),
    )
    expect(missing).toEqual([])
    const capabilities = `${provider.toUpperCase()}_CAPABILITIES`
    expect(entryExports(source(provider, 'capabilities.ts'))).toContain(capabilities)
    expect(entryExports(source(provider, 'platform.ts'))).toEqual(['PLATFORM'])
    expect(entryExports(source(provider, 'from-binding.ts'))).toContain('fromBinding')
    expect(entryExports(source(provider, 'map-error.ts'))).toEqual(
      expect.arrayContaining(['mapError', 'platformError']),
    )
    expect(entryExports(source(provider, 'naming.ts'))).toEqual(
      expect.arrayContaining(['routableName', 'checkRoutableName']),
    )
    expect(entryExports(source(provider, 'options.ts'))).toContain('resolveOptions')
    expect(entryExports(source(provider, 'list-repositories.ts'))).toContain('listRepositories')
    // The factory is async everywhere, and defined next to the class it returns.
    expect(source(provider, `${provider}-provider.ts`)).toMatch(
      new RegExp(`^export async function ${provider}\\(`, 'm'),
    )
  })

  // Provisioning too: find the options in provision/options.ts and each run in its own file.
  it.each(PROVIDERS)('provider-%s/provision', (provider) => {
    const files = ['index.ts', 'options.ts', 'provision.ts', 'deprovision.ts']
    const missing = files.filter(
      (file) => !existsSync(join(REPO_ROOT, `packages/provider-${provider}/src/provision/${file}`)),
    )
    expect(missing).toEqual([])
    const platform = provider[0]?.toUpperCase() + provider.slice(1)
    expect(entryExports(source(provider, 'provision/index.ts'))).toEqual(
      expect.arrayContaining([
        'provision',
        'deprovision',
        `${platform}ProvisionOptions`,
        `${platform}DeprovisionOptions`,
      ]),
    )
  })

  it('builds every error with core providerError, which owns the [provider-x] prefix', () => {
    const offending: string[] = []
    for (const provider of PROVIDERS) {
      expect(source(provider, 'map-error.ts')).toContain('providerError(PLATFORM,')
      const dir = join(REPO_ROOT, `packages/provider-${provider}/src`)
      for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.ts')) continue
        const text = readFileSync(join(dir, file), 'utf8')
        if (/new ArtifactRegistryError\(|[`'"]\[provider-[a-z]+\] /.test(text)) {
          offending.push(`provider-${provider}/src/${file}`)
        }
      }
    }
    expect(offending).toEqual([])
  })
})
