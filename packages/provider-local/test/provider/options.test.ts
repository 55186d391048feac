import { isArtifactRegistryError, TTL_RULES } from '@artifact-registry/core'
import { describe, expect, it } from 'vitest'
import { LOCAL_CAPABILITIES, local, PLATFORM } from '../../src/index.js'
import type { LocalProviderOptions } from '../../src/options.js'

/** The error `local(options)` rejects with; fails the test when it resolves. */
async function rejectionOf(options: unknown): Promise<unknown> {
  const pending = local(options as LocalProviderOptions)
  expect(pending).toBeInstanceOf(Promise)
  try {
    const registry = await pending
    await registry.close()
  } catch (err) {
    return err
  }
  throw new Error('expected local() to reject')
}

function issuePaths(err: unknown): string[] {
  expect(isArtifactRegistryError(err, 'INVALID_CONFIG'), String(err)).toBe(true)
  expect(err).toMatchObject({ platform: PLATFORM })
  return (err as { issues: { path: string }[] }).issues.map((issue) => issue.path)
}

describe('local() options', () => {
  it('reports every invalid option by path with INVALID_CONFIG, before starting anything', async () => {
    const err = await rejectionOf({
      bindingName: 'Not A Namespace',
      port: -1,
      host: '',
      adminCredentials: { username: 'admin' },
      tls: { cert: 'pem' },
      tokenServiceUrl: 'ftp://127.0.0.1:5001',
    })
    expect(issuePaths(err)).toEqual([
      'bindingName',
      'port',
      'host',
      'tokenServiceUrl',
      'adminCredentials',
      'tls',
    ])
  })

  it('reports each option of the embedded registry given with url, and a bad url, together', async () => {
    const err = await rejectionOf({
      url: 'registry:5000',
      dataDir: '/srv/registry',
      port: 5001,
      host: '127.0.0.1',
      tls: { cert: 'cert', key: 'key' },
    })
    expect(issuePaths(err)).toEqual(['url', 'tls', 'port', 'host', 'dataDir'])
    expect((err as Error).message).toMatch(
      /^\[provider-local\] Invalid options: url "registry:5000"/,
    )
  })

  it('refuses an admin username with a colon, which Basic auth cannot carry', async () => {
    const err = await rejectionOf({
      url: 'http://127.0.0.1:5000',
      adminCredentials: { username: 'ops:team', password: 'secret' },
    })
    expect(issuePaths(err)).toEqual(['adminCredentials'])
    expect((err as Error).message).toContain('must not contain a colon')
  })

  it('refuses options that are not an object', async () => {
    expect(issuePaths(await rejectionOf('http://127.0.0.1:5000'))).toEqual([''])
  })

  it('declares LOCAL_CAPABILITIES', async () => {
    await using registry = await local()
    expect(registry.platform).toBe('local')
    expect(registry.capabilities).toBe(LOCAL_CAPABILITIES)
    expect(LOCAL_CAPABILITIES).toEqual({
      crossAccountAccess: null,
      implicitRepositories: false,
      credentialAuthMethod: 'basic',
      repositoryScopedCredentials: true,
      repositoryScopedGrants: true,
      revokesCredentialsOnDelete: true,
      listRepositories: true,
      credentialTtl: TTL_RULES.local,
    })
  })
})
