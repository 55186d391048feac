import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  access,
  FOREIGN_ROLE,
  FOREIGN_STATEMENT,
  policyDoc,
  providerFor,
  REGION,
  REPLICA,
  uniqueLogical,
} from './helpers.js'

// A replica can outlive its repository: deleteRepository deletes it last, and one that failed
// there (or a region dropped from replicationRegions and added again) leaves it, with the
// repository policy its grants wrote. A repository created again under the name must not take
// those grants over: the accounts of the old one would pull the new one's images in that region.

const OLD_TENANT = '111111111111'
const NEW_TENANT = '222222222222'

type Fake = Awaited<ReturnType<typeof startAwsFake>>
type Provider = Awaited<ReturnType<typeof providerFor>>

/** A repository granted to the old tenant, whose delete failed in the replica region. */
async function leftBehind(
  fake: Fake,
  registry: Provider,
  logical: string,
  beforeDelete: (name: string) => void = () => {},
): Promise<string> {
  const { name } = await registry.createRepository(logical)
  await registry.addCrossAccountAccess(name, access({ accountIds: [OLD_TENANT] }))
  beforeDelete(name)
  // The home repository goes; the replica's deletion fails, and the caller is told so.
  fake.inject('DeleteRepository', { before: () => {} })
  fake.inject('DeleteRepository', 'server-error')
  await expect(registry.deleteRepository(name)).rejects.toMatchObject({ code: 'UNAVAILABLE' })
  expect(fake.getRepository(REPLICA, name)).toBeDefined()
  return name
}

describe('a replica left by an earlier repository of the name', () => {
  it('keeps none of its grants when the repository is created again', async () => {
    await using fake = await startAwsFake({ principals: [FOREIGN_ROLE] })
    const registry = await providerFor(fake, { replicationRegions: [REPLICA] })
    const logical = uniqueLogical('tenant')
    const name = await leftBehind(fake, registry, logical, (granted) => {
      const withForeign = policyDoc(fake, REPLICA, granted)
      fake.seedPolicy(
        REPLICA,
        granted,
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [FOREIGN_STATEMENT, ...(withForeign?.Statement ?? [])],
        }),
      )
    })

    expect((await registry.createRepository(logical)).name).toBe(name)
    expect((await registry.getCrossAccountAccess(name)).access).toEqual(access({}))
    expect(policyDoc(fake, REPLICA, name)?.Statement).toEqual([FOREIGN_STATEMENT])
    await registry.addCrossAccountAccess(name, access({ accountIds: [NEW_TENANT] }))
    expect((await registry.getCrossAccountAccess(name)).access).toEqual(
      access({ accountIds: [NEW_TENANT] }),
    )
  })

  it('keeps none of its grants when the create that found it failed and is retried', async () => {
    await using fake = await startAwsFake()
    const registry = await providerFor(fake, { replicationRegions: [REPLICA] })
    const logical = uniqueLogical('tenant')
    const name = await leftBehind(fake, registry, logical)
    // ECR's clock: the home repository is made again at least a millisecond later.
    await new Promise((resolve) => setTimeout(resolve, 5))

    // The home repository is made again; reading the replica it found fails, so does the call.
    fake.inject('DescribeRepositories', 'server-error')
    await expect(registry.createRepository(logical)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    })
    await registry.createRepository(logical)
    expect((await registry.getCrossAccountAccess(name)).access).toEqual(access({}))
  })

  afterEach(() => vi.restoreAllMocks())

  // Each region's ECR stamps its own repository with its own clock: a repository made again right
  // after the failed delete can read as no newer than the replica left behind (the same instant,
  // or a replica region whose clock runs ahead). This call created the home repository, so a
  // replica it finds already there was made before it, whatever the clocks say.
  it('keeps none of its grants when the home repository made again reads no newer than it', async () => {
    await using fake = await startAwsFake()
    const registry = await providerFor(fake, { replicationRegions: [REPLICA] })
    const logical = uniqueLogical('tenant')
    const name = await leftBehind(fake, registry, logical)
    const replicaMade = fake.getRepository(REPLICA, name)?.createdAt.getTime() ?? 0

    vi.spyOn(Date, 'now').mockReturnValue(replicaMade)
    await registry.createRepository(logical)
    vi.restoreAllMocks()
    expect(fake.getRepository(REGION, name)?.createdAt.getTime()).toBe(replicaMade)
    expect((await registry.getCrossAccountAccess(name)).access).toEqual(access({}))
  })

  it('takes back nothing a caller granted the new repository meanwhile', async () => {
    await using fake = await startAwsFake()
    const registry = await providerFor(fake, { replicationRegions: [REPLICA] })
    const logical = uniqueLogical('tenant')
    const name = `acme-${logical}`
    fake.seedRepository(REPLICA, name)
    // Another caller, between the home repository's creation and the replica's, made the replica
    // and granted the new repository (home first, as every add does).
    const granted = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ArtifactRegistryCrossAccountPull',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${NEW_TENANT}:root` },
          Action: [
            'ecr:BatchCheckLayerAvailability',
            'ecr:BatchGetImage',
            'ecr:GetDownloadUrlForLayer',
          ],
        },
      ],
    })
    fake.inject('CreateRepository', { before: () => {} })
    fake.inject('CreateRepository', {
      before: () => {
        fake.seedPolicy(REGION, name, granted)
        fake.seedPolicy(REPLICA, name, granted)
      },
    })
    await registry.createRepository(logical)
    expect(fake.getPolicy(REPLICA, name)).toBe(granted)
    expect((await registry.getCrossAccountAccess(name)).access).toEqual(
      access({ accountIds: [NEW_TENANT] }),
    )
  })

  it('an existing repository keeps its replicas as they are: create again changes nothing', async () => {
    await using fake = await startAwsFake()
    const registry = await providerFor(fake, { replicationRegions: [REPLICA] })
    const logical = uniqueLogical('tenant')
    const { name } = await registry.createRepository(logical)
    await registry.addCrossAccountAccess(name, access({ accountIds: [OLD_TENANT] }))
    const before = fake.requests.length
    await registry.createRepository(logical)
    const operations = fake.requests.slice(before).map((r) => r.operation)
    expect(operations).not.toContain('GetRepositoryPolicy')
    expect((await registry.getCrossAccountAccess(name)).access).toEqual(
      access({ accountIds: [OLD_TENANT] }),
    )
  })
})
