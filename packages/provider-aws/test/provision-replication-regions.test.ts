import { type AwsFake, startAwsFake } from '@artifact-registry/testing/fakes/aws'
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

// A region dropped from replicationRegions stops receiving replicas: the converge takes it out of
// the prefix's rule (and the rule goes with the last region), reports it, in a dry run too.

const ACCOUNT = '123456789012'
const SECOND = 'us-west-2'
const RULE_ID = `ecr:${REGION}:${ACCOUNT}:replication-rule/acme-`
const FOREIGN_RULE = {
  destinations: [{ region: 'ap-south-1', registryId: ACCOUNT }],
  repositoryFilters: [{ filter: 'other-', filterType: 'PREFIX_MATCH' }],
}

const regionsOf = (fake: AwsFake) =>
  fake
    .getReplicationRules(REGION)
    .filter((rule) => (rule.repositoryFilters ?? []).some((f) => f.filter === 'acme-'))
    .map((rule) => rule.destinations.map((d) => d.region))

/** A dry run of `regions`, checked to send only reads, then the real run it foretells. */
async function converge(fake: AwsFake, regions: string[]) {
  const options = provisionOptions(fake, { replicationRegions: regions })
  const before = JSON.stringify(fake.getReplicationRules(REGION))
  const from = fake.requests.length
  const dry = await provision({ ...options, dryRun: true })
  expect(operationsSince(fake, from).filter((op) => !READ_OPERATIONS.has(op))).toEqual([])
  expect(JSON.stringify(fake.getReplicationRules(REGION))).toBe(before)
  const real = await provision(options)
  expect(real.changes).toEqual(dry.changes)
  return real.changes.filter((c) => c.kind === 'ecr-replication-rule')
}

describe('provision after a replica region was dropped', () => {
  it('takes that region out of the rule (update), other rules stay', async () => {
    await using fake = await startAwsFake()
    fake.seedReplicationRules(REGION, [FOREIGN_RULE])
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA, SECOND] }))
    expect(regionsOf(fake)).toEqual([[REPLICA, SECOND]])
    expect(await converge(fake, [REPLICA])).toEqual([
      {
        action: 'update',
        kind: 'ecr-replication-rule',
        id: RULE_ID,
        detail: `destinations; no longer replicating to ${SECOND}`,
      },
    ])
    expect(regionsOf(fake)).toEqual([[REPLICA]])
    expect(fake.getReplicationRules(REGION)[0]).toEqual(FOREIGN_RULE)
    expect(await converge(fake, [REPLICA])).toEqual([
      { action: 'unchanged', kind: 'ecr-replication-rule', id: RULE_ID },
    ])
  })

  it('deletes the rule when replicationRegions names none any more', async () => {
    await using fake = await startAwsFake()
    fake.seedReplicationRules(REGION, [FOREIGN_RULE])
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA] }))
    expect(await converge(fake, [])).toEqual([
      {
        action: 'delete',
        kind: 'ecr-replication-rule',
        id: RULE_ID,
        detail: `replicationRegions name no region; no longer replicating to ${REPLICA}`,
      },
    ])
    expect(fake.getReplicationRules(REGION)).toEqual([FOREIGN_RULE])
    expect(await converge(fake, [])).toEqual([])
  })

  it('leaves another account’s destination in the rule, which provisioning never adds', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA] }))
    const [rule] = fake.getReplicationRules(REGION)
    const elsewhere = { region: SECOND, registryId: '210987654321' }
    if (rule === undefined) throw new Error('no rule')
    fake.seedReplicationRules(REGION, [
      { ...rule, destinations: [...rule.destinations, elsewhere] },
    ])
    await converge(fake, [])
    expect(fake.getReplicationRules(REGION)).toEqual([{ ...rule, destinations: [elsewhere] }])
  })

  it('takes out only the regions it replicated to: one added by hand stays', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA, SECOND] }))
    const [rule] = fake.getReplicationRules(REGION)
    if (rule === undefined) throw new Error('no rule')
    const byHand = { region: 'ap-south-1', registryId: ACCOUNT }
    fake.seedReplicationRules(REGION, [{ ...rule, destinations: [...rule.destinations, byHand] }])
    await converge(fake, [])
    expect(regionsOf(fake)).toEqual([['ap-south-1']])
  })

  it('takes nothing out of a rule it did not write (no role of the binding yet)', async () => {
    await using fake = await startAwsFake()
    const runtimeRule = {
      destinations: [
        { region: REPLICA, registryId: ACCOUNT },
        { region: SECOND, registryId: ACCOUNT },
      ],
      repositoryFilters: [{ filter: 'acme-', filterType: 'PREFIX_MATCH' }],
    }
    fake.seedReplicationRules(REGION, [runtimeRule])
    expect(await converge(fake, [REPLICA])).toEqual([
      { action: 'unchanged', kind: 'ecr-replication-rule', id: RULE_ID },
    ])
    expect(fake.getReplicationRules(REGION)).toEqual([runtimeRule])
  })

  it('a rerun after the rule could not be written still takes the dropped region out', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA, SECOND] }))
    fake.inject('PutReplicationConfiguration', 'server-error')
    await expect(
      provision(provisionOptions(fake, { replicationRegions: [REPLICA] })),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' })
    expect(regionsOf(fake)).toEqual([[REPLICA, SECOND]])
    expect(await converge(fake, [REPLICA])).toEqual([
      expect.objectContaining({ action: 'update', detail: expect.stringContaining(SECOND) }),
    ])
    expect(regionsOf(fake)).toEqual([[REPLICA]])
  })
})

describe('provision dropping a region that still holds replicas', () => {
  it('refuses with CONFLICT naming them before any change, a dry run too', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA, SECOND] }))
    fake.seedRepository(REGION, 'acme-web')
    fake.seedRepository(SECOND, 'acme-web')
    const rules = JSON.stringify(fake.getReplicationRules(REGION))
    const from = fake.requests.length
    for (const dryRun of [true, false]) {
      const error = await conflictOf(
        provision({ ...provisionOptions(fake, { replicationRegions: [REPLICA] }), dryRun }),
      )
      expect(error.message).toContain(`repository acme-web (${SECOND}`)
      expect(error.message).not.toContain(`(${REPLICA}`)
    }
    expect(operationsSince(fake, from).filter((op) => !READ_OPERATIONS.has(op))).toEqual([])
    expect(JSON.stringify(fake.getReplicationRules(REGION))).toBe(rules)
    // Kept in the rule, the replica is still found, and deleted, by deprovision.
    await deprovision(deprovisionOptions(fake, { force: true }))
    expect(fake.getRepositoryNames(SECOND)).toEqual([])
  })
})
