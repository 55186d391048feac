import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { UpdateRoleCommand } from '@aws-sdk/client-iam'
import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { REGION, REPLICA } from './helpers.js'
import {
  deprovisionOptions,
  iamOf,
  operationsSince,
  provisionOptions,
  READ_OPERATIONS,
} from './provision-helpers.js'

// A dry run reports exactly what a real run then does, and the fake sees only reads.

function onlyReads(operations: string[]): void {
  expect(operations.filter((op) => !READ_OPERATIONS.has(op))).toEqual([])
  expect(operations.length).toBeGreaterThan(0)
}

describe('provision({ dryRun: true })', () => {
  it('from nothing: the creations of a real run, and no change in the fake', async () => {
    await using fake = await startAwsFake()
    const options = provisionOptions(fake, { replicationRegions: [REPLICA], tags: { a: 'b' } })
    const seen: string[] = []
    const dry = await provision({ ...options, dryRun: true, onChange: (c) => seen.push(c.id) })
    onlyReads(operationsSince(fake, 0))
    expect(fake.getRoleNames()).toEqual([])
    expect(fake.getReplicationRules(REGION)).toEqual([])
    const real = await provision(options)
    expect(dry.changes).toEqual(real.changes)
    expect(dry.binding).toEqual(real.binding)
    expect(dry.runtimePolicy).toEqual(real.runtimePolicy)
    expect(seen).toEqual(real.changes.map((c) => c.id))
  })

  it('with drift: the updates a real run then makes, nothing repaired', async () => {
    await using fake = await startAwsFake()
    const options = provisionOptions(fake)
    await provision(options)
    const iam = iamOf(fake)
    await iam.send(new UpdateRoleCommand({ RoleName: 'acme-push', MaxSessionDuration: 7200 }))
    iam.destroy()
    const from = fake.requests.length
    const dry = await provision({ ...options, dryRun: true })
    onlyReads(operationsSince(fake, from))
    expect(fake.getRole('acme-push')?.maxSessionDuration).toBe(7200)
    expect(dry.changes.filter((c) => c.action === 'update')).toHaveLength(1)
    expect((await provision(options)).changes).toEqual(dry.changes)
  })
})

describe('deprovision({ dryRun: true })', () => {
  it('reports the deletions of a real run, forced ones included, and deletes nothing', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA] }))
    fake.seedRepository(REGION, 'acme-app')
    const from = fake.requests.length
    const dry = await deprovision(deprovisionOptions(fake, { force: true, dryRun: true }))
    onlyReads(operationsSince(fake, from))
    expect(fake.getRoleNames()).toEqual(['acme-pull', 'acme-push'])
    expect(fake.getRepositoryNames(REGION)).toEqual(['acme-app'])
    const real = await deprovision(deprovisionOptions(fake, { force: true }))
    expect(dry.changes).toEqual(real.changes)
    expect(real.changes).toHaveLength(6)
  })
})
