import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { REGION, REPLICA } from './helpers.js'
import {
  conflictOf,
  deprovisionOptions,
  operationsSince,
  provisionOptions,
  READ_OPERATIONS,
} from './provision-helpers.js'

// A binding moved to another home region (its `region` changed between two runs) would leave the
// former home region's repositories behind: the roles no longer name that region, and
// deprovision, which looks in the home region, replicationRegions and the rule's destinations,
// would report success with them (their images, their cross-account grants) still there.

const NEW_HOME = 'us-west-2'

describe('provision with another home region', () => {
  it('refuses with CONFLICT while the former home region holds repositories, a dry run too', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake))
    fake.seedRepository(REGION, 'acme-web')
    const from = fake.requests.length
    for (const dryRun of [true, false]) {
      const error = await conflictOf(
        provision({ ...provisionOptions(fake, { region: NEW_HOME }), dryRun }),
      )
      expect(error.message).toContain(`repository acme-web (${REGION}`)
    }
    expect(operationsSince(fake, from).filter((op) => !READ_OPERATIONS.has(op))).toEqual([])
    // Nothing moved: deprovision of the binding as it was still finds, and deletes, the repository.
    await deprovision(deprovisionOptions(fake, { force: true }))
    expect(fake.getRepositoryNames(REGION)).toEqual([])
  })

  it('moves once the former home region holds none', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake))
    const { binding } = await provision(provisionOptions(fake, { region: NEW_HOME }))
    expect(binding.region).toBe(NEW_HOME)
  })

  it("takes the prefix's replication rule out of the former home region's registry", async () => {
    await using fake = await startAwsFake()
    const other = {
      repositoryFilters: [{ filter: 'other-', filterType: 'PREFIX_MATCH' }],
      destinations: [{ region: REPLICA, registryId: '123456789012' }],
    }
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA] }))
    fake.seedReplicationRules(REGION, [...fake.getReplicationRules(REGION), other])
    const moved = { region: NEW_HOME, replicationRegions: [REPLICA] }
    const { changes } = await provision(provisionOptions(fake, moved))
    expect(changes).toContainEqual(
      expect.objectContaining({
        action: 'delete',
        kind: 'ecr-replication-rule',
        id: `ecr:${REGION}:123456789012:replication-rule/acme-`,
      }),
    )
    // ECR would otherwise go on copying new acme- repositories of the former home region, and no
    // later run would look there: deprovision reads only the new home region's rules.
    await deprovision(deprovisionOptions(fake, { ...moved, force: true }))
    expect(fake.getReplicationRules(REGION)).toEqual([other])
    expect(fake.getReplicationRules(NEW_HOME)).toEqual([])
  })
})
