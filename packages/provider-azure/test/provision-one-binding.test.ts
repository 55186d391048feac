import type { ContainerRegistryManagementClientOptionalParams } from '@azure/arm-containerregistry'
import { describe, expect, it } from 'vitest'
import { azure } from '../src/index.js'
import { deprovision, provision } from '../src/provision/index.js'
import { managedTags, PREFIX_TAG } from '../src/provision/ownership.js'
import { fakeCredential, rejectionOf } from './fixtures.js'
import {
  DELETED_EVERYTHING,
  deprovisionOptions,
  provisionOptions,
  REGISTRY_NAME,
  runtimeAssignments,
  startProvisionFake,
  summary,
  writes,
} from './provision-helpers.js'

// One provisioned binding per registry: ACR's roles are registry-wide, so two prefixes on one
// registry would not be kept apart. A registry records its binding's prefix; another prefix is
// refused, and deprovision reads everything before it decides, so a refusal changes nothing.

type Fake = Awaited<ReturnType<typeof startProvisionFake>>
/** A policy of the ARM client's HTTP pipeline. */
type PipelinePolicy = NonNullable<
  ContainerRegistryManagementClientOptionalParams['additionalPolicies']
>[number]['policy']

/**
 * A fake whose registry (the one the fake serves on its own port, so `seedImage` fills it) was
 * provisioned for `prefix` (`undefined`: no prefix).
 */
async function provisionedFor(prefix: string | undefined): Promise<Fake> {
  const fake = await startProvisionFake({
    registries: [{ name: REGISTRY_NAME, tags: managedTags(prefix) }],
  })
  await provision(provisionOptions(fake, { repositoryPrefix: prefix }))
  return fake
}

/** Record a repository the way the runtime does before anything is pushed: its scope map only. */
async function createEmptyRepository(fake: Fake, repository: string): Promise<void> {
  // The runtime's options only: azure() refuses provisioning's location and runtimePrincipalId.
  const { location, runtimePrincipalId, ...runtime } = provisionOptions(fake)
  await using wholeRegistry = await azure({
    ...runtime,
    loginServer: new URL(fake.url).host,
    credential: fakeCredential(fake),
  })
  await wholeRegistry.createRepository(repository)
}

/** What a refused run must leave: the registry, its role and the runtime's assignments. */
function expectUntouched(fake: Fake, writesBefore: number): void {
  expect(writes(fake.requests)).toHaveLength(writesBefore)
  expect(fake.state.registries.size).toBe(1)
  expect(fake.state.roleDefinitions.size).toBe(1)
  expect(runtimeAssignments(fake)).toHaveLength(3)
}

describe('provision of a registry provisioned for another binding', () => {
  it.each([
    ['team-a', 'team-b', 'repositoryPrefix "team-a"'],
    ['team', 'team/dev', 'repositoryPrefix "team"'],
    ['team/dev', 'team', 'repositoryPrefix "team/dev"'],
    [undefined, 'team', 'no repositoryPrefix'],
    ['team', undefined, 'repositoryPrefix "team"'],
  ])(
    'made for %s is CONFLICT for %s, naming the recorded one, before any write',
    async (first, second, recorded) => {
      await using fake = await provisionedFor(first)
      const before = writes(fake.requests).length
      for (const dryRun of [true, false]) {
        const err = await rejectionOf(
          provision(provisionOptions(fake, { repositoryPrefix: second, dryRun })),
        )
        expect(err).toMatchObject({ code: 'CONFLICT', platform: 'azure' })
        expect(err.message).toContain(`provisioned for the binding with ${recorded}`)
      }
      expectUntouched(fake, before)
    },
  )

  it('converges for the same prefix', async () => {
    await using fake = await provisionedFor('team-a')
    const { changes } = await provision(provisionOptions(fake, { repositoryPrefix: 'team-a' }))
    expect(new Set(changes.map((c) => c.action))).toEqual(new Set(['unchanged']))
  })
})

describe('deprovision of a registry provisioned for one binding', () => {
  it('with another prefix is CONFLICT, even with force, and changes nothing', async () => {
    await using fake = await provisionedFor('team-a')
    await fake.seedImage('team-a/web')
    const before = writes(fake.requests).length
    for (const repositoryPrefix of ['team-b', 'team-a/web', undefined]) {
      const err = await rejectionOf(
        deprovision(deprovisionOptions(fake, { repositoryPrefix, force: true })),
      )
      expect(err).toMatchObject({ code: 'CONFLICT' })
      expect(err.message).toContain(`${PREFIX_TAG}=team-a`)
    }
    expectUntouched(fake, before)
    expect(await fake.getRepositories()).toEqual(['team-a/web'])
  })

  it('is CONFLICT, even with force, while a repository outside the prefix exists only as a scope map', async () => {
    await using fake = await provisionedFor('team-a')
    await fake.seedImage('team-a/web')
    await createEmptyRepository(fake, 'team-b/api')
    const before = writes(fake.requests).length
    const err = await rejectionOf(
      deprovision(deprovisionOptions(fake, { repositoryPrefix: 'team-a', force: true })),
    )
    expect(err).toMatchObject({ code: 'CONFLICT' })
    expect(err.message).toContain('outside the prefix "team-a/": team-b/api.')
    expectUntouched(fake, before)
    expect(await fake.getRepositories()).toEqual(['team-a/web'])
    expect(fake.getScopeMaps()).toHaveLength(1)
  })

  it('sees every page of the catalog: a repository past the first 100 blocks it', async () => {
    await using fake = await provisionedFor('team-a')
    for (let i = 0; i < 100; i++) await fake.seedImage(`team-a/r${String(i).padStart(3, '0')}`)
    await fake.seedImage('team-b/last')
    const before = writes(fake.requests).length
    const err = await rejectionOf(
      deprovision(deprovisionOptions(fake, { repositoryPrefix: 'team-a', force: true })),
    )
    expect(err.message).toContain('outside the prefix "team-a/": team-b/last.')
    expectUntouched(fake, before)
  }, 120_000)

  it('without force is CONFLICT naming the prefix’s repositories, the scope-map-only one too', async () => {
    await using fake = await provisionedFor('team-a')
    await fake.seedImage('team-a/web')
    await createEmptyRepository(fake, 'team-a/empty')
    const before = writes(fake.requests).length
    const err = await rejectionOf(
      deprovision(deprovisionOptions(fake, { repositoryPrefix: 'team-a' })),
    )
    expect(err.message).toContain('under "team-a/": team-a/empty, team-a/web.')
    expectUntouched(fake, before)
  })

  it('with force deletes everything of ours: assignments, role and the registry with its repositories', async () => {
    await using fake = await provisionedFor('team-a')
    await fake.seedImage('team-a/web')
    await createEmptyRepository(fake, 'team-a/empty')
    const { changes } = await deprovision(
      deprovisionOptions(fake, { repositoryPrefix: 'team-a', force: true }),
    )
    expect(summary(changes)).toEqual(DELETED_EVERYTHING)
    expect(fake.state.registries.size).toBe(0)
    expect(fake.state.roleDefinitions.size).toBe(0)
    expect(runtimeAssignments(fake)).toEqual([])
    expect(fake.getScopeMaps()).toEqual([])
  })

  it('whose ARM record names no login server still reads it first: the host its name gives', async () => {
    await using fake = await provisionedFor('team-a')
    await createEmptyRepository(fake, 'team-b/api')
    const before = writes(fake.requests).length
    // ARM leaves `loginServer` out (a registry not ready yet): the fake always names one.
    const withoutLoginServer: PipelinePolicy = {
      name: 'registry without login server',
      async sendRequest(request, next) {
        const response = await next(request)
        const registry = /\/registries\/[^/]+\?/.test(request.url) && request.method === 'GET'
        if (registry && response.bodyAsText) {
          const body = JSON.parse(response.bodyAsText) as { properties: { loginServer?: string } }
          delete body.properties.loginServer
          response.bodyAsText = JSON.stringify(body)
        }
        return response
      },
    }
    const clientOptions = {
      endpoint: fake.url,
      additionalPolicies: [{ policy: withoutLoginServer, position: 'perRetry' as const }],
    }
    const err = await rejectionOf(
      deprovision(
        deprovisionOptions(fake, { repositoryPrefix: 'team-a', force: true, clientOptions }),
      ),
    )
    // `{registryName}.azurecr.io` is not the fake: the catalog cannot be read, so nothing goes.
    expect(err.message).toContain('azurecr.io')
    expectUntouched(fake, before)
  })
})
