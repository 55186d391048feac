import { type AwsFake, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { describe, expect, it } from 'vitest'
import { provision } from '../src/provision/index.js'
import { REGION, REPLICA } from './helpers.js'
import { provisionOptions } from './provision-helpers.js'

// A run that adds a replica region and fails at the roles' policies, then a rerun without that
// region: the rule must not go on naming it, or ECR copies images there for good (the rule's
// destinations that the policies do not name count as added by hand, and stay).

const SECOND = 'us-west-2'

const regionsOf = (fake: AwsFake) =>
  fake
    .getReplicationRules(REGION)
    .filter((rule) => (rule.repositoryFilters ?? []).some((f) => f.filter === 'acme-'))
    .map((rule) => rule.destinations.map((d) => d.region))

describe('provision after a run that added a region failed midway', () => {
  it('a rerun without the region takes it out of the rule the failed run wrote', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA] }))
    fake.inject('PutRolePolicy', 'server-error')
    await expect(
      provision(provisionOptions(fake, { replicationRegions: [REPLICA, SECOND] })),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' })
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA] }))
    expect(regionsOf(fake)).toEqual([[REPLICA]])
  })

  it('a rerun without replication deletes the rule the failed first run wrote', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake))
    fake.inject('PutRolePolicy', 'server-error')
    await expect(
      provision(provisionOptions(fake, { replicationRegions: [REPLICA] })),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' })
    await provision(provisionOptions(fake))
    expect(regionsOf(fake)).toEqual([])
  })
})
