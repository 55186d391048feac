import type { AwsCrossAccountAccess } from '@artifact-registry/core'
import { type AwsFake, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { describe, expect, it } from 'vitest'
import { PREFIX, providerFor, REGION, uniqueLogical } from './helpers.js'

const REPLICA = 'eu-west-1'
const GRANT: AwsCrossAccountAccess = {
  type: 'aws',
  accountIds: ['111111111111'],
  roleArns: [],
  regions: [],
  allowedServiceTypes: [],
}

/** A repository made before `REPLICA` joined `replicationRegions`: it has no replica there. */
async function olderRepository(fake: AwsFake): Promise<string> {
  const name = `${PREFIX}-${uniqueLogical('older')}`
  fake.seedRepository(REGION, name)
  return name
}

// docs/platforms/aws.md#replicas-get-every-grant-change: an add creates a missing replica, and
// another process may be deleting the repository meanwhile (two provider instances, one fake).
describe('a replica an add creates does not outlive a deleteRepository running at once', () => {
  it('a delete that ends while the add runs takes the replica (and its grant) with it', async () => {
    await using fake = await startAwsFake({ replicaDelayMs: null })
    const name = await olderRepository(fake)
    const adder = await providerFor(fake, { replicationRegions: [REPLICA] })
    const deleter = await providerFor(fake, { replicationRegions: [REPLICA] })
    // The home region's deletion is slow (force, many images): it ends only once the add has
    // granted there. A replica deletion is quick.
    let homeHeld!: () => void
    const held = new Promise<void>((resolve) => {
      homeHeld = resolve
    })
    let releaseHome!: () => void
    const release = new Promise<void>((resolve) => {
      releaseHome = resolve
    })
    fake.inject(
      'DeleteRepository',
      {
        before: async () => {
          const request = fake.requestsFor('DeleteRepository').at(-1)
          if (request === undefined || fake.regionOf(request) !== REGION) return
          homeHeld()
          await release
        },
      },
      { times: Infinity },
    )
    const deleting = deleter.deleteRepository(name)
    await held
    // Time for a replica deletion sent alongside the home region's to be answered.
    await new Promise((resolve) => setTimeout(resolve, 100))
    // The home region's write went through; the deletion ends before the replica's read.
    fake.inject('GetRepositoryPolicy', { before: () => {} })
    fake.inject('GetRepositoryPolicy', {
      before: async () => {
        releaseHome()
        await deleting
      },
    })
    // Before, the add succeeded and the replica it created kept the grant after the delete
    // returned; a later createRepository of the name takes that replica as it is.
    await adder.addCrossAccountAccess(name, GRANT).catch(() => {})
    await deleting
    expect(fake.getRepository(REGION, name)).toBeUndefined()
    expect(fake.getRepository(REPLICA, name)).toBeUndefined()
    expect(fake.getPolicy(REPLICA, name)).toBeUndefined()
  })

  it('a delete that ended before the replica was created: the add deletes it and says NOT_FOUND', async () => {
    await using fake = await startAwsFake({ replicaDelayMs: null })
    const name = await olderRepository(fake)
    const adder = await providerFor(fake, { replicationRegions: [REPLICA] })
    const deleter = await providerFor(fake, { replicationRegions: [REPLICA] })
    // The add found the home repository; the whole deletion runs before its create arrives.
    fake.inject('CreateRepository', { before: () => deleter.deleteRepository(name) })
    await expect(adder.addCrossAccountAccess(name, GRANT)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    expect(fake.getRepository(REPLICA, name)).toBeUndefined()
    expect(fake.requestsFor('SetRepositoryPolicy')).toHaveLength(0)
  })

  it('a replica the add did not create is left to its maker', async () => {
    await using fake = await startAwsFake({ replicaDelayMs: null })
    const name = await olderRepository(fake)
    const adder = await providerFor(fake, { replicationRegions: [REPLICA] })
    // The home repository goes, and ECR's replication (or another tool) makes the replica, between
    // the add's check and its create: the create finds it, so the add made nothing to undo.
    fake.inject('CreateRepository', {
      before: async () => {
        await (await providerFor(fake)).deleteRepository(name)
        fake.seedRepository(REPLICA, name)
      },
    })
    await expect(adder.addCrossAccountAccess(name, GRANT)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    expect(fake.getRepository(REPLICA, name)).toBeDefined()
    expect(fake.requestsFor('DeleteRepository')).toHaveLength(1)
    expect(fake.getPolicy(REPLICA, name)).toBeUndefined()
  })
})
