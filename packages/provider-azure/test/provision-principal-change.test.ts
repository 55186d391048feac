import { FAKE_AZURE } from '@artifact-registry/testing/fakes/azure'
import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import {
  DELETED_EVERYTHING,
  deprovisionOptions,
  foreignAssignment,
  PROVISIONED_REGISTRY,
  provisionOptions,
  RUNTIME,
  runtimeAssignments,
  startProvisionFake,
  summary,
} from './provision-helpers.js'

// The runtime principal replaced between runs (a rotated identity): what provisioning assigned
// to the former one is provisioning's to remove, and nothing else is.

/** The identity the runtime signs in as after the rotation. */
const NEXT_RUNTIME = {
  tenantId: FAKE_AZURE.tenantId,
  clientId: 'b22ce000-0000-4000-8000-00000000b22c',
  clientSecret: 'next-runtime-secret',
  objectId: '0b1ec700-0000-4000-8000-0000000000b2',
  permissionsFrom: 'role-assignments' as const,
}

/** A fake where the registry was provisioned for {@link RUNTIME}, which {@link NEXT_RUNTIME} replaces. */
async function provisionedForFormerPrincipal() {
  const { tenantId, clientId, clientSecret } = FAKE_AZURE
  // An assignment a page: those of the former principal on a later page are found too.
  const fake = await startProvisionFake({
    registries: [PROVISIONED_REGISTRY],
    identities: [{ tenantId, clientId, clientSecret }, RUNTIME, NEXT_RUNTIME],
    armPageLimit: 1,
  })
  await provision(provisionOptions(fake))
  return fake
}

const nextPrincipal = { runtimePrincipalId: NEXT_RUNTIME.objectId }

describe('a runtime principal replaced between runs', () => {
  it('provision deletes what it assigned to the former principal, and only that', async () => {
    await using fake = await provisionedForFormerPrincipal()
    // AcrPush, given by hand under a name of its own.
    const foreign = foreignAssignment(
      `/subscriptions/${FAKE_AZURE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/8311e382-0749-4cb8-b61a-304f252e45ec`,
    )
    fake.state.roleAssignments.set(foreign.name, foreign)
    const { changes } = await provision(provisionOptions(fake, nextPrincipal))
    expect(summary(changes)).toEqual([
      'unchanged container-registry',
      'unchanged role-definition',
      'create role-assignment',
      'create role-assignment',
      'create role-assignment',
      'delete role-assignment',
      'delete role-assignment',
      'delete role-assignment',
    ])
    expect(changes.at(-1)?.detail).toContain(RUNTIME.objectId)
    // The assignment someone else gave the former principal stays.
    expect(runtimeAssignments(fake)).toEqual([foreign])
    const again = await provision(provisionOptions(fake, nextPrincipal))
    expect(summary(again.changes).every((c) => c.startsWith('unchanged'))).toBe(true)
  })

  it('deprovision deletes what provisioning assigned to the former principal too', async () => {
    await using fake = await provisionedForFormerPrincipal()
    // The options name the principal the runtime signs in as now; the registry's assignments
    // are still the former one's (provision was not run again since the rotation).
    const options = deprovisionOptions(fake, nextPrincipal)
    const { changes } = await deprovision({ ...options, force: true })
    expect(summary(changes)).toEqual(DELETED_EVERYTHING)
    expect([...fake.state.roleAssignments.values()]).toEqual([])
    expect(fake.state.roleDefinitions.size).toBe(0)
  })
})
