import type { ProvisionChange } from '@artifact-registry/core'
import { describe, expect, it } from 'vitest'
import { azure } from '../src/index.js'
import { deprovision, provision } from '../src/provision/index.js'
import { fakeCredential, rejectionOf } from './fixtures.js'
import {
  deprovisionOptions,
  PROVISIONED_REGISTRY,
  provisionOptions,
  runtimeAssignments,
  startProvisionFake,
  summary,
} from './provision-helpers.js'

// One registry shared by the bindings of two prefixes: deprovisioning one prefix deletes only its
// own repositories, and never the registry or the role assignments another prefix still uses.

/** A provisioned registry holding `team-a/web`, an empty `team-a/empty` and `team-b/api`. */
async function sharedRegistry() {
  const fake = await startProvisionFake({ registries: [PROVISIONED_REGISTRY] })
  for (const repositoryPrefix of ['team-a', 'team-b']) {
    await provision(provisionOptions(fake, { repositoryPrefix }))
  }
  await fake.seedImage('team-a/web')
  await fake.seedImage('team-b/api')
  // A repository the runtime created and nothing was pushed to: only its scope map records it.
  await using teamA = await azure({
    ...provisionOptions(fake, { repositoryPrefix: 'team-a' }),
    loginServer: new URL(fake.url).host,
    credential: fakeCredential(fake),
  })
  await teamA.createRepository('empty')
  return fake
}

const scopeMapNames = (fake: Awaited<ReturnType<typeof sharedRegistry>>) =>
  fake.getScopeMaps().map((m) => m.name)

describe('deprovision of one prefix of a shared registry', () => {
  it('without force: CONFLICT naming the prefix’s repositories only, and deletes nothing', async () => {
    await using fake = await sharedRegistry()
    const err = await rejectionOf(
      deprovision(deprovisionOptions(fake, { repositoryPrefix: 'team-a' })),
    )
    expect(err).toMatchObject({ code: 'CONFLICT' })
    expect(err.message).toContain('under "team-a/": team-a/web.')
    expect(err.message).not.toContain('team-b')
    expect(await fake.getRepositories()).toEqual(['team-a/web', 'team-b/api'])
    expect(scopeMapNames(fake)).toHaveLength(1)
  })

  it('with force: deletes the prefix’s repositories, then CONFLICT naming the others; the registry and assignments stay', async () => {
    await using fake = await sharedRegistry()
    const seen: ProvisionChange[] = []
    const err = await rejectionOf(
      deprovision(
        deprovisionOptions(fake, {
          repositoryPrefix: 'team-a',
          force: true,
          onChange: (c) => seen.push(c),
        }),
      ),
    )
    expect(err).toMatchObject({ code: 'CONFLICT' })
    expect(err.message).toContain('outside the prefix "team-a/": team-b/api')
    expect(summary(seen)).toEqual(['delete repository', 'delete repository'])
    expect(seen.map((c) => c.id.split('/').slice(-2).join('/'))).toEqual([
      'team-a/empty',
      'team-a/web',
    ])
    expect(await fake.getRepositories()).toEqual(['team-b/api'])
    expect(scopeMapNames(fake)).toEqual([])
    expect(fake.state.registries.size).toBe(1)
    expect(fake.state.roleDefinitions.size).toBe(1)
    expect(runtimeAssignments(fake)).toHaveLength(3)
  })

  it('of the last prefix with force: deletes its repositories, the assignments, the role and the registry', async () => {
    await using fake = await sharedRegistry()
    await rejectionOf(
      deprovision(deprovisionOptions(fake, { repositoryPrefix: 'team-a', force: true })),
    )
    const { changes } = await deprovision(
      deprovisionOptions(fake, { repositoryPrefix: 'team-b', force: true }),
    )
    expect(summary(changes)).toEqual([
      'delete repository',
      'delete role-assignment',
      'delete role-assignment',
      'delete role-assignment',
      'delete role-definition',
      'delete container-registry',
    ])
    expect(fake.state.registries.size).toBe(0)
    expect(runtimeAssignments(fake)).toEqual([])
  })

  it('sees every page of the catalog: a repository past the first 100 keeps the registry', async () => {
    await using fake = await startProvisionFake({ registries: [PROVISIONED_REGISTRY] })
    await provision(provisionOptions(fake, { repositoryPrefix: 'team-a' }))
    for (let i = 0; i < 100; i++) await fake.seedImage(`team-a/r${String(i).padStart(3, '0')}`)
    await fake.seedImage('team-b/last')
    const err = await rejectionOf(
      deprovision(deprovisionOptions(fake, { repositoryPrefix: 'team-a', force: true })),
    )
    expect(err.message).toContain('outside the prefix "team-a/": team-b/last')
    expect(await fake.getRepositories()).toEqual(['team-b/last'])
    expect(fake.state.registries.size).toBe(1)
  }, 120_000)
})
