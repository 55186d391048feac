import { type AwsFake, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { REGION, REPLICA } from './helpers.js'
import { deprovisionOptions, provisionOptions } from './provision-helpers.js'

// A run that moves the binding to another home region writes the prefix's replication rule into
// that region's registry. Were it to fail (or be killed) right after, a rerun with the former
// region (a stack rolled back) or deprovision must still find that rule: only the roles' inline
// policies tell a later run which regions provisioning reached, so they must name the new home
// region before its rule exists.

const NEW_HOME = 'us-west-2'
const MOVED = { region: NEW_HOME, replicationRegions: [REPLICA] }

const prefixRulesIn = (fake: AwsFake, region: string) =>
  fake
    .getReplicationRules(region)
    .filter((rule) => (rule.repositoryFilters ?? []).some((f) => f.filter === 'acme-'))

/** Provision the binding at home, then fail the move's second replication write. */
async function failedMove(fake: AwsFake): Promise<void> {
  await provision(provisionOptions(fake, { replicationRegions: [REPLICA] }))
  // The first write puts the rule into the new home region; the second (taking the rule out of
  // the former home region) fails.
  fake.inject('PutReplicationConfiguration', { before: () => {} })
  fake.inject('PutReplicationConfiguration', 'server-error')
  await expect(provision(provisionOptions(fake, MOVED))).rejects.toMatchObject({
    code: 'UNAVAILABLE',
  })
  expect(prefixRulesIn(fake, NEW_HOME)).toHaveLength(1)
}

describe('provision after a run that moved the home region failed midway', () => {
  it('a rerun with the former region takes the rule out of the new home region', async () => {
    await using fake = await startAwsFake()
    await failedMove(fake)
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA] }))
    expect(prefixRulesIn(fake, NEW_HOME)).toEqual([])
    expect(prefixRulesIn(fake, REGION)).toHaveLength(1)
  })

  it('deprovision with the former region deletes the rule in the new home region', async () => {
    await using fake = await startAwsFake()
    await failedMove(fake)
    await deprovision(deprovisionOptions(fake, { replicationRegions: [REPLICA] }))
    expect(fake.getRoleNames()).toEqual([])
    expect(prefixRulesIn(fake, NEW_HOME)).toEqual([])
    expect(prefixRulesIn(fake, REGION)).toEqual([])
  })
})
