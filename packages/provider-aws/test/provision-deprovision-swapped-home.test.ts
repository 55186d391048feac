import { type AwsFake, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { REGION, REPLICA } from './helpers.js'
import { deprovisionOptions, provisionOptions } from './provision-helpers.js'

// A stack that swaps its home region with a replica region, and whose provision fails midway,
// holds the prefix's replication rule in the registry of a region its options now call a replica
// region (the former home region) or the home region (the one the failed run wrote). Deprovision,
// with either set of options, must still delete every such rule: ECR would otherwise go on
// copying every new `acme-` repository of that region, and no later run would look there.

const HOME = { replicationRegions: [REPLICA] }
const SWAPPED = { region: REPLICA, replicationRegions: [REGION] }

const prefixRulesIn = (fake: AwsFake, region: string) =>
  fake
    .getReplicationRules(region)
    .filter((rule) => (rule.repositoryFilters ?? []).some((f) => f.filter === 'acme-'))

describe('deprovision after a provision that swapped the home region failed', () => {
  it('with the new options, deletes the rule of the former home region', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, HOME))
    // The swap's first write, the rule in the new home region, fails: nothing changed.
    fake.inject('PutReplicationConfiguration', 'server-error')
    await expect(provision(provisionOptions(fake, SWAPPED))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    })
    await deprovision(deprovisionOptions(fake, SWAPPED))
    expect(fake.getRoleNames()).toEqual([])
    expect(prefixRulesIn(fake, REGION)).toEqual([])
    expect(prefixRulesIn(fake, REPLICA)).toEqual([])
  })

  it('with the former options, deletes the rule the failed run wrote in the new home region', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, HOME))
    // The rule goes into the new home region; taking it out of the former one fails.
    fake.inject('PutReplicationConfiguration', { before: () => {} })
    fake.inject('PutReplicationConfiguration', 'server-error')
    await expect(provision(provisionOptions(fake, SWAPPED))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    })
    expect(prefixRulesIn(fake, REPLICA)).toHaveLength(1)
    await deprovision(deprovisionOptions(fake, HOME))
    expect(fake.getRoleNames()).toEqual([])
    expect(prefixRulesIn(fake, REGION)).toEqual([])
    expect(prefixRulesIn(fake, REPLICA)).toEqual([])
  })
})
