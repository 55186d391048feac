import {
  type AzureBinding,
  createArtifactRegistry,
  registerProvider,
  TTL_RULES,
} from '@artifact-registry/core'
import { SAMPLE_ACCESS } from '@artifact-registry/testing'
import { FAKE_AZURE } from '@artifact-registry/testing/fakes/azure'
import { describe, expect, it } from 'vitest'
import { AzureProvider, type AzureProviderOptions, azure, fromBinding } from '../src/index.js'
import { fakeCredential, fakeProvider, rejectionOf, startStrictAzureFake } from './fixtures.js'

const BINDING: AzureBinding = {
  platform: 'azure',
  subscriptionId: FAKE_AZURE.subscriptionId,
  resourceGroup: FAKE_AZURE.resourceGroup,
  registryName: 'AcmeRegistry',
}

/** The options of {@link BINDING}: `platform` is the binding's, not an option of `azure()`. */
const { platform: _, ...OPTIONS } = BINDING

/** A credential that fails the test if anything asks it for a token. */
const untouchable = {
  getToken: async (): Promise<never> => {
    throw new Error('no token may be requested here')
  },
}

describe('AzureProvider', () => {
  it('declares capabilities that match what it does', async () => {
    const registry = await azure({ ...OPTIONS, credential: untouchable })
    expect(registry.platform).toBe('azure')
    expect(registry.capabilities).toEqual({
      crossAccountAccess: null,
      implicitRepositories: false,
      credentialAuthMethod: 'basic',
      repositoryScopedCredentials: true,
      repositoryScopedGrants: true,
      revokesCredentialsOnDelete: false,
      listRepositories: true,
      credentialTtl: TTL_RULES.azure,
    })
    expect(registry.capabilities.credentialTtl.honoursRequest).toBe(false)
  })

  it('derives the login server from the registry name and cloud', async () => {
    const endpoint = async (options: Partial<AzureProviderOptions>) =>
      (await azure({ ...OPTIONS, credential: untouchable, ...options })).registryEndpoint
    expect(await endpoint({})).toBe('https://acmeregistry.azurecr.io')
    expect(await endpoint({ cloud: 'AZURE_CHINA_CLOUD' })).toBe('https://acmeregistry.azurecr.cn')
    expect(await endpoint({ loginServer: 'acme-abc.azurecr.io' })).toBe(
      'https://acme-abc.azurecr.io',
    )
  })

  it.each(['addCrossAccountAccess', 'removeCrossAccountAccess', 'getCrossAccountAccess'] as const)(
    '%s throws NOT_SUPPORTED and names Azure RBAC as the way',
    async (method) => {
      const registry = await azure({ ...OPTIONS, credential: untouchable })
      const [access] = SAMPLE_ACCESS.aws
      const err = await rejectionOf(registry[method]('web', access))
      expect(err).toMatchObject({ code: 'NOT_SUPPORTED', platform: 'azure' })
      expect(err.message).toMatch(/Azure RBAC/)
    },
  )

  it('reports every invalid option by path (INVALID_CONFIG), as a rejection', async () => {
    const pending = azure({
      subscriptionId: '',
      resourceGroup: 'rg',
      registryName: 'ab',
      sku: 'Gold' as 'Basic',
      credential: {} as typeof untouchable,
      pollIntervalMs: -1,
      rateLimits: { readsPerMinute: 0, writesPerMinute: 10 },
    })
    expect(pending).toBeInstanceOf(Promise)
    const err = await rejectionOf(pending)
    expect(err).toMatchObject({ code: 'INVALID_CONFIG', platform: 'azure' })
    expect(
      (err as unknown as { issues: { path: string }[] }).issues.map((i) => i.path).sort(),
    ).toEqual([
      'credential',
      'pollIntervalMs',
      'rateLimits',
      'registryName',
      'sku',
      'subscriptionId',
    ])
  })

  it('refuses a repositoryPrefix that leaves no room for an adapted name beside the login server', async () => {
    // `{50 characters}.azurecr.io` is 61: 193 are left for the routable name, of which an
    // adapted name needs 27 and the slash 1.
    const longName = { ...OPTIONS, registryName: 'a'.repeat(50), credential: untouchable }
    const err = await rejectionOf(azure({ ...longName, repositoryPrefix: 'p'.repeat(166) }))
    expect(err).toMatchObject({
      code: 'INVALID_CONFIG',
      issues: [{ path: 'repositoryPrefix', message: expect.stringContaining('at most 165') }],
    })
    await (await azure({ ...longName, repositoryPrefix: 'p'.repeat(165) })).close()
  })

  it('keeps a whole image name, login server included, within 255 characters', async () => {
    await using fake = await startStrictAzureFake()
    const err = await rejectionOf(fakeProvider(fake, { repositoryPrefix: 'p'.repeat(250) }))
    const message = (err as unknown as { issues: { message: string }[] }).issues[0]?.message
    const longest = Number(/at most (\d+)/.exec(message ?? '')?.[1])
    expect(longest).toBeGreaterThan(150)
    for (const repositoryPrefix of ['p'.repeat(longest), undefined]) {
      const registry = await fakeProvider(fake, { repositoryPrefix })
      const { name, uri } = await registry.createRepository(`Adapted ${'x'.repeat(500)}`)
      expect(name).toMatch(/-x[0-9a-f]{24}$/)
      expect(uri).toBe(`${fake.loginServer}/${name}`)
      expect(uri?.length).toBe(255)
      await registry.close()
    }
  })

  it('an empty name is INVALID_NAME and never becomes a catalog scope', async () => {
    await using fake = await startStrictAzureFake()
    const registry = await fakeProvider(fake)
    await expect(registry.generateCredentials('', 'pull')).rejects.toMatchObject({
      code: 'INVALID_NAME',
    })
    expect(fake.requests).toHaveLength(0)
  })

  it('talks to ARM with a token for the management audience, not the fake endpoint', async () => {
    await using fake = await startStrictAzureFake()
    const registry = await fakeProvider(fake, { credential: fakeCredential(fake) })
    await registry.createRepository('audience-check')
    const audiences = new Set([...fake.state.aadTokens.values()].map((c) => c.aud))
    expect(audiences).toEqual(new Set(['https://management.azure.com']))
  })
})

describe('fromBinding', () => {
  it('builds the provider without asking for a token (DefaultAzureCredential is lazy)', async () => {
    const registry = await fromBinding({ ...BINDING, repositoryPrefix: 'team-a', sku: 'Premium' })
    expect(registry).toBeInstanceOf(AzureProvider)
    expect(registry.registryEndpoint).toBe('https://acmeregistry.azurecr.io')
  })

  it('follows a sovereign-cloud authority and a login-server override', async () => {
    const china = await fromBinding({ ...BINDING, authorityHost: 'https://login.chinacloudapi.cn' })
    expect(china.registryEndpoint).toBe('https://acmeregistry.azurecr.cn')
    const custom = await fromBinding({ ...BINDING, loginServer: 'registry.example.com:8443' })
    expect(custom.registryEndpoint).toBe('https://registry.example.com:8443')
  })

  it('satisfies the provider-module contract of createArtifactRegistry', async () => {
    // The sources, not the package entry: the package resolves to dist/, which tests do not build.
    registerProvider('azure', () => import('../src/index.js'))
    const registry = await createArtifactRegistry(BINDING)
    expect(registry).toBeInstanceOf(AzureProvider)
    expect(registry.platform).toBe('azure')
    await registry.close()
  })
})
