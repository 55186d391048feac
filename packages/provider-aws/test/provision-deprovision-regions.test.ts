import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { REGION, REPLICA } from './helpers.js'
import { conflictOf, deprovisionOptions, provisionOptions } from './provision-helpers.js'

// Deprovision finds the repositories of every region the binding's roles still reach, not only
// those its options and the replication rule name: once the roles are gone, nothing would.

const ACCOUNT = '123456789012'

describe('deprovision looks in the regions the roles reach', () => {
  it('reports and force deletes a replica whose region neither the options nor the rule name', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA] }))
    fake.seedRepository(REPLICA, 'acme-app')
    // The rule removed by hand, and the options no longer name the replica region.
    fake.seedReplicationRules(REGION, [])
    const refused = await conflictOf(deprovision(deprovisionOptions(fake)))
    expect(refused.message).toContain(`repository acme-app (${REPLICA})`)
    expect(fake.getRoleNames()).toEqual(['acme-pull', 'acme-push'])
    const forced = await deprovision(deprovisionOptions(fake, { force: true }))
    expect(forced.changes[0]).toEqual({
      action: 'delete',
      kind: 'ecr-repository',
      id: `arn:aws:ecr:${REPLICA}:${ACCOUNT}:repository/acme-app`,
    })
    expect(fake.getRepositoryNames(REPLICA)).toEqual([])
    expect(fake.getRoleNames()).toEqual([])
  })

  it('reports a repository in the home region the roles name when region is given wrong, and force removes its rule', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA] }))
    fake.seedRepository(REGION, 'acme-app')
    const wrong = deprovisionOptions(fake, { region: REPLICA })
    const refused = await conflictOf(deprovision(wrong))
    expect(refused.message).toContain(`repository acme-app (${REGION})`)
    expect(fake.getRoleNames()).toEqual(['acme-pull', 'acme-push'])
    const forced = await deprovision({ ...wrong, force: true })
    expect(forced.changes).toContainEqual({
      action: 'delete',
      kind: 'ecr-replication-rule',
      id: `ecr:${REGION}:${ACCOUNT}:replication-rule/acme-`,
      detail: `${REGION}, which the roles' policies name, is not the home region`,
    })
    expect(fake.getRepositoryNames(REGION)).toEqual([])
    expect(fake.getReplicationRules(REGION)).toEqual([])
    expect(fake.getRoleNames()).toEqual([])
  })
})
