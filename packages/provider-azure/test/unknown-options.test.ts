import { isArtifactRegistryError } from '@artifact-registry/core'
import { FAKE_AZURE } from '@artifact-registry/testing/fakes/azure'
import { describe, expect, it } from 'vitest'
import { type AzureProviderOptions, azure, fromBinding, PLATFORM } from '../src/index.js'

/** A credential that fails the test if anything asks it for a token. */
const untouchable = {
  getToken: async (): Promise<never> => {
    throw new Error('no token may be requested here')
  },
}

const REQUIRED = {
  subscriptionId: FAKE_AZURE.subscriptionId,
  resourceGroup: FAKE_AZURE.resourceGroup,
  registryName: 'AcmeRegistry',
  credential: untouchable,
}

/** The error `azure(options)` rejects with; fails the test when it resolves. */
async function rejectionOf(options: Record<string, unknown>): Promise<{
  message: string
  issues: readonly { path: string; message: string }[]
}> {
  const error = await azure(options as unknown as AzureProviderOptions).then(
    async (registry) => {
      await registry.close()
      throw new Error('expected azure() to reject')
    },
    (err: unknown) => err,
  )
  expect(isArtifactRegistryError(error, 'INVALID_CONFIG'), String(error)).toBe(true)
  expect(error).toMatchObject({ platform: PLATFORM })
  return error as Awaited<ReturnType<typeof rejectionOf>>
}

describe('azure() options it does not know', () => {
  it('refuses a misspelt repositoryPrefix with INVALID_CONFIG instead of reaching the whole registry', async () => {
    const error = await rejectionOf({ ...REQUIRED, repositoryPrefx: 'team-a' })
    expect(error.issues).toEqual([
      {
        path: 'repositoryPrefx',
        message: 'is not an option of azure(); did you mean repositoryPrefix?',
      },
    ])
    expect(error.message).toContain('repositoryPrefx is not an option of azure()')
  })

  it('refuses a repositoryPrefix that is no prefix (null, false, 0, empty) instead of reaching the whole registry', async () => {
    // Each was read as "no prefix": a binding meant for one prefix listed, deleted and minted
    // credentials for every repository of the registry.
    for (const repositoryPrefix of [null, false, 0, '']) {
      const error = await rejectionOf({ ...REQUIRED, repositoryPrefix })
      expect(error.issues, JSON.stringify(repositoryPrefix)).toEqual([
        {
          path: 'repositoryPrefix',
          message: 'must be a lowercase ACR repository path (leave it out for none)',
        },
      ])
    }
  })

  it('refuses a binding field that is no option (authorityHost), with the invalid ones', async () => {
    const error = await rejectionOf({
      ...REQUIRED,
      registryName: 'x',
      authorityHost: 'https://login.chinacloudapi.cn',
    })
    expect(error.issues.map((issue) => issue.path)).toEqual(['registryName', 'authorityHost'])
    expect(error.issues[1]?.message).toMatch(
      /^is not an option of azure\(\); its options are subscriptionId, .*, cloud, .*clock$/,
    )
  })

  it('refuses an unknown field of rateLimits by path, rather than pacing calls by a limit not given', async () => {
    const error = await rejectionOf({
      ...REQUIRED,
      rateLimits: { readsPerMinute: 100, writesPerMinute: 10, burst: 5 },
    })
    expect(error.issues).toEqual([
      {
        path: 'rateLimits.burst',
        message: 'is not an option of rateLimits; its options are readsPerMinute, writesPerMinute',
      },
    ])
    const misspelt = await rejectionOf({
      ...REQUIRED,
      rateLimits: { readPerMinute: 100, writesPerMinute: 10 },
    })
    expect(misspelt.issues).toEqual([
      { path: 'rateLimits', message: 'must be false or { readsPerMinute, writesPerMinute } > 0' },
      {
        path: 'rateLimits.readPerMinute',
        message: 'is not an option of rateLimits; did you mean readsPerMinute?',
      },
    ])
  })

  it('passes clientOptions to the ARM SDK as given: fields of the SDK are not refused', async () => {
    await using registry = await azure({
      ...REQUIRED,
      loginServer: '127.0.0.1:9',
      clientOptions: { endpoint: 'http://127.0.0.1:9', userAgentOptions: { userAgentPrefix: 'x' } },
    })
    expect(registry.registryEndpoint).toBe('https://127.0.0.1:9')
  })

  it('accepts every option it documents', async () => {
    await using registry = await azure({
      ...REQUIRED,
      repositoryPrefix: 'team-a',
      sku: 'Premium',
      credentials: 'repository-token',
      cloud: 'AZURE_PUBLIC_CLOUD',
      loginServer: '127.0.0.1:9',
      managementScope: 'https://management.azure.com/.default',
      registryScope: 'https://containerregistry.azure.net/.default',
      tenantId: 'tenant',
      clientOptions: { endpoint: 'http://127.0.0.1:9' },
      trustedCa: [],
      pollIntervalMs: 1,
      maxRetries: 0,
      maxRetryDelayMs: 1,
      rateLimits: false,
      requestTimeoutMs: 1000,
    })
    expect(registry.registryEndpoint).toBe('https://127.0.0.1:9')
  })

  it('takes every field of an azure binding (fromBinding maps each to an option)', async () => {
    await using registry = await fromBinding({
      platform: 'azure',
      subscriptionId: FAKE_AZURE.subscriptionId,
      resourceGroup: FAKE_AZURE.resourceGroup,
      registryName: 'AcmeRegistry',
      repositoryPrefix: 'team-a',
      sku: 'Basic',
      loginServer: 'registry.example.com:8443',
      authorityHost: 'https://login.chinacloudapi.cn',
      credentials: 'repository-token',
    })
    expect(registry.registryEndpoint).toBe('https://registry.example.com:8443')
  })
})
