import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import {
  CREATED_FROM_NOTHING,
  DELETED_EVERYTHING,
  deprovisionOptions,
  provisionOptions,
  REGISTRY_NAME,
  startProvisionFake,
  summary,
  writes,
} from './provision-helpers.js'

// dryRun: the same changes a real run then makes, and only read calls (the fake's request log).

const withoutDetail = (changes: readonly { action: string; kind: string; id: string }[]) =>
  changes.map(({ action, kind, id }) => ({ action, kind, id }))

describe('provision({ dryRun: true })', () => {
  it('from nothing: reports every create, reads only, makes nothing', async () => {
    await using fake = await startProvisionFake()
    const dry = await provision(provisionOptions(fake, { dryRun: true }))
    expect(summary(dry.changes)).toEqual(CREATED_FROM_NOTHING)
    expect(writes(fake.requests)).toEqual([])
    expect(fake.requests.length).toBeGreaterThan(0)
    expect(fake.state.registries.size).toBe(0)
    expect(fake.state.roleDefinitions.size).toBe(0)
    expect(fake.state.roleAssignments.size).toBe(0)
    // Without a registry there is no login server yet: the binding leaves it to the default.
    expect(dry.binding.loginServer).toBeUndefined()
    const real = await provision(provisionOptions(fake))
    expect(withoutDetail(real.changes)).toEqual(withoutDetail(dry.changes))
  })

  it('after drift: reports the updates and creates it would make, and leaves the drift', async () => {
    await using fake = await startProvisionFake()
    await provision(provisionOptions(fake))
    const registry = [...fake.state.registries.values()].find((r) => r.name === REGISTRY_NAME)
    const [assignment] = fake.state.roleAssignments.values()
    if (registry === undefined || assignment === undefined) throw new Error('not provisioned')
    registry.sku = 'Basic'
    fake.state.roleAssignments.delete(assignment.name)
    fake.reset()
    const dry = await provision(provisionOptions(fake, { dryRun: true }))
    expect(summary(dry.changes).filter((c) => !c.startsWith('unchanged'))).toEqual([
      'update container-registry',
      'create role-assignment',
    ])
    expect(writes(fake.requests)).toEqual([])
    expect(registry.sku).toBe('Basic')
    expect(fake.state.roleAssignments.has(assignment.name)).toBe(false)
    const real = await provision(provisionOptions(fake))
    expect(real.changes).toEqual(dry.changes)
  })
})

describe('deprovision({ dryRun: true })', () => {
  it('reports every delete, reads only, deletes nothing', async () => {
    await using fake = await startProvisionFake()
    await provision(provisionOptions(fake))
    fake.reset()
    const dry = await deprovision(deprovisionOptions(fake, { dryRun: true }))
    expect(summary(dry.changes)).toEqual(DELETED_EVERYTHING)
    expect(writes(fake.requests)).toEqual([])
    expect(fake.state.roleAssignments.size).toBe(3)
    const real = await deprovision(deprovisionOptions(fake))
    expect(real.changes).toEqual(dry.changes)
  })
})
