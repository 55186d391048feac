import {
  createArtifactRegistry,
  isArtifactRegistryError,
  type ProviderModule,
  TTL_RULES,
} from '@artifact-registry/core'
import { startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { afterAll, describe, expect, it } from 'vitest'
import { endpointOptions } from '../src/from-binding.js'
import * as provider from '../src/index.js'
import { KNOWN_IDENTITIES, LOCATION, PROJECT, PULL_SA, provisionGarRepository } from './helpers.js'

const fake = await startGcpFake(KNOWN_IDENTITIES)
afterAll(() => fake.close())

describe('options', () => {
  it('reports every bad option by path with INVALID_CONFIG, as a rejection', async () => {
    const pending = provider.gcp({
      projectId: 'X',
      location: '',
      repository: 'Images_1',
      pullServiceAccount: 'serviceAccount:p@x.iam.gserviceaccount.com',
      registryEndpoint: 'https://registry.example/v2',
      policyRetry: { attempts: 0 },
    })
    expect(pending).toBeInstanceOf(Promise)
    const error = await pending.catch((err: unknown) => err)
    expect(isArtifactRegistryError(error, 'INVALID_CONFIG')).toBe(true)
    expect((error as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
      'projectId',
      'location',
      'repository',
      'pullServiceAccount',
      'registryEndpoint',
      'policyRetry.attempts',
    ])
  })

  it('refuses one account for pull and push: the pull account would hold the push roles', async () => {
    for (const pushServiceAccount of [PULL_SA, PULL_SA.toUpperCase()]) {
      const error = await provider
        .gcp({
          projectId: PROJECT,
          location: LOCATION,
          repository: 'images',
          pullServiceAccount: PULL_SA,
          pushServiceAccount,
        })
        .catch((err: unknown) => err)
      expect(isArtifactRegistryError(error, 'INVALID_CONFIG'), pushServiceAccount).toBe(true)
      expect((error as { issues: unknown }).issues).toEqual([
        {
          path: 'pushServiceAccount',
          message: expect.stringMatching(/^must differ from pullServiceAccount/),
        },
      ])
    }
  })

  it('declares capabilities true to the platform', async () => {
    const registry = await provider.gcp({
      projectId: PROJECT,
      location: LOCATION,
      repository: 'images',
    })
    expect(registry.platform).toBe(provider.PLATFORM)
    expect(registry.capabilities).toEqual({
      crossAccountAccess: 'gcp',
      implicitRepositories: true,
      credentialAuthMethod: 'basic',
      repositoryScopedCredentials: false,
      repositoryScopedGrants: false,
      revokesCredentialsOnDelete: false,
      listRepositories: true,
      credentialTtl: TTL_RULES.gcp,
    })
  })

  it('fails every call with UNAVAILABLE once closed', async () => {
    const registry = await provider.gcp({
      projectId: PROJECT,
      location: LOCATION,
      repository: 'images',
    })
    await registry.close()
    await expect(registry.createRepository('x')).rejects.toMatchObject({ code: 'UNAVAILABLE' })
  })
})

describe('fromBinding', () => {
  it('is a ProviderModule and builds a working provider from a gcp binding', async () => {
    const module: ProviderModule = provider
    expect(typeof module.fromBinding).toBe('function')
    const { repository } = provisionGarRepository(fake)
    await using registry = await provider.fromBinding(
      {
        platform: 'gcp',
        projectId: PROJECT,
        location: LOCATION,
        repository,
        pullServiceAccount: PULL_SA,
        apiEndpoint: fake.url,
      },
      { authClient: fake.providerOptions().authClient },
    )
    const created = await registry.createRepository('app')
    expect(created.name).toBe(`${PROJECT}/${repository}/app`)
    expect(fake.requestsFor('getRepository').length).toBeGreaterThan(0)
  })

  it('splits an endpoint URL into the host, port and scheme the SDK wants', () => {
    expect(endpointOptions('http://127.0.0.1:8080')).toEqual({
      apiEndpoint: '127.0.0.1',
      port: 8080,
      protocol: 'http',
    })
    expect(endpointOptions('https://artifactregistry.googleapis.com')).toEqual({
      apiEndpoint: 'artifactregistry.googleapis.com',
      port: 443,
      protocol: 'https',
    })
  })

  it('is what createArtifactRegistry loads for platform "gcp"', async () => {
    // Built lazily: no SDK client and no credential lookup happen until the first call.
    await using registry = await createArtifactRegistry({
      platform: 'gcp',
      projectId: PROJECT,
      location: LOCATION,
      repository: 'images',
    })
    expect(registry.platform).toBe('gcp')
    expect(registry.registryEndpoint).toBe(`https://${LOCATION}-docker.pkg.dev`)
  })
})
