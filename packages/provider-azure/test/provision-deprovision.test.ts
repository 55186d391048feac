import { FAKE_AZURE } from '@artifact-registry/testing/fakes/azure'
import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { rejectionOf } from './fixtures.js'
import {
  DELETED_EVERYTHING,
  deprovisionOptions,
  foreignAssignment,
  PROVISIONED_REGISTRY,
  provisionOptions,
  REGISTRY_ID,
  REGISTRY_NAME,
  runtimeAssignments,
  startProvisionFake,
  summary,
} from './provision-helpers.js'

// deprovision: refuses while repositories remain (listed from the registry's catalog), deletes
// only what provisioning made, and is a no-op once everything is gone.

/**
 * A fake whose first registry (served on the fake's own port) is the one provisioned; its catalog
 * and ARM lists answer one name a page, so what a later page holds is found too.
 */
async function provisionedWithImages(...repositories: string[]) {
  const fake = await startProvisionFake({
    registries: [PROVISIONED_REGISTRY],
    catalogPageLimit: 1,
    armPageLimit: 1,
  })
  await provision(provisionOptions(fake))
  for (const repository of repositories) await fake.seedImage(repository)
  return fake
}

const ACR_PULL = `/subscriptions/${FAKE_AZURE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`

describe('deprovision', () => {
  it('refuses with CONFLICT listing the repositories that remain, and deletes nothing', async () => {
    await using fake = await provisionedWithImages('team-a/web', 'team-b/api')
    const err = await rejectionOf(deprovision(deprovisionOptions(fake)))
    expect(err).toMatchObject({ code: 'CONFLICT', platform: 'azure' })
    expect(err.message).toContain('team-a/web, team-b/api')
    expect(runtimeAssignments(fake)).toHaveLength(3)
    expect(fake.state.registries.size).toBe(1)
  })

  it('with force: true deletes the registry, its repositories with it', async () => {
    await using fake = await provisionedWithImages('team-a/web')
    const { changes, binding } = await deprovision(deprovisionOptions(fake, { force: true }))
    expect(summary(changes)).toEqual(DELETED_EVERYTHING)
    expect(changes.at(-1)?.id).toBe(REGISTRY_ID)
    expect(binding.registryName).toBe(REGISTRY_NAME)
    expect(fake.state.registries.size).toBe(0)
    expect(fake.state.roleDefinitions.size).toBe(0)
  })

  it('never deletes a role assignment it did not make', async () => {
    await using fake = await provisionedWithImages()
    const foreign = foreignAssignment(ACR_PULL)
    fake.state.roleAssignments.set(foreign.name, foreign)
    const { changes } = await deprovision(deprovisionOptions(fake))
    expect(summary(changes).filter((c) => c.endsWith('role-assignment'))).toHaveLength(3)
    expect([...fake.state.roleAssignments.values()]).toEqual([foreign])
  })

  it('of what is already gone succeeds with no changes', async () => {
    await using fake = await provisionedWithImages()
    await deprovision(deprovisionOptions(fake))
    const again = await deprovision(deprovisionOptions(fake))
    expect(again.changes).toEqual([])
  })
})

describe('deprovision of a custom role someone else assigned too', () => {
  it('refuses with CONFLICT naming that assignment before any change, a dry run too', async () => {
    await using fake = await provisionedWithImages()
    const custom = [...fake.state.roleDefinitions.values()].find(
      (r) => r.roleType !== 'BuiltInRole',
    )
    const byHand = foreignAssignment(custom?.id ?? '')
    fake.state.roleAssignments.set(byHand.name, byHand)
    const assignments = [...fake.state.roleAssignments.keys()]
    for (const dryRun of [true, false]) {
      const err = await rejectionOf(deprovision(deprovisionOptions(fake, { force: true, dryRun })))
      expect(err).toMatchObject({ code: 'CONFLICT', platform: 'azure' })
      expect(err.message).toContain(byHand.id)
    }
    expect([...fake.state.roleAssignments.keys()]).toEqual(assignments)
    expect(fake.state.registries.size).toBe(1)
    fake.state.roleAssignments.delete(byHand.name)
    const { changes } = await deprovision(deprovisionOptions(fake, { force: true }))
    expect(summary(changes)).toEqual(DELETED_EVERYTHING)
  })
})
