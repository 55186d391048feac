import type { AwsCrossAccountAccess } from '@artifact-registry/core'
import { GRANTEE_IDENTITIES } from '@artifact-registry/testing'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { describe, expect, it } from 'vitest'
import { mergeReplicationRules } from '../src/replication.js'
import { granteeCredentials, manifestStatus } from './grantee-credentials.js'
import {
  FOREIGN_ROLE,
  FOREIGN_STATEMENT,
  PREFIX,
  policyDoc,
  providerFor,
  pushImage,
  REGION,
  uniqueLogical,
} from './helpers.js'

const REPLICAS = ['eu-west-1', 'ap-southeast-2']
const GRANT: AwsCrossAccountAccess = {
  type: 'aws',
  accountIds: ['111111111111'],
  roleArns: [],
  regions: ['eu-west-1'],
  allowedServiceTypes: ['worker'],
}
const ACCOUNT = '123456789012'

// docs/platforms/aws.md#the-replication-rule
describe('the replication rule is filtered to the prefix and merged', () => {
  it('appends our PREFIX_MATCH rule and leaves other rules untouched', () => {
    const foreign = {
      destinations: [{ region: 'ap-south-1', registryId: ACCOUNT }],
      repositoryFilters: [{ filter: 'other-', filterType: 'PREFIX_MATCH' as const }],
    }
    const merged = mergeReplicationRules([foreign], {
      filter: 'acme-',
      regions: REPLICAS,
      accountId: ACCOUNT,
    })
    expect(merged).toEqual({
      changed: true,
      rules: [
        foreign,
        {
          destinations: REPLICAS.map((region) => ({ region, registryId: ACCOUNT })),
          repositoryFilters: [{ filter: 'acme-', filterType: 'PREFIX_MATCH' }],
        },
      ],
    })
  })

  it('adds missing destinations to our existing rule and keeps destinations others added', () => {
    const ours = {
      destinations: [{ region: 'us-west-2', registryId: ACCOUNT }],
      repositoryFilters: [{ filter: 'acme-', filterType: 'PREFIX_MATCH' as const }],
    }
    const merged = mergeReplicationRules([ours], {
      filter: 'acme-',
      regions: ['eu-west-1'],
      accountId: ACCOUNT,
    })
    expect(merged.rules).toEqual([
      {
        ...ours,
        destinations: [...ours.destinations, { region: 'eu-west-1', registryId: ACCOUNT }],
      },
    ])
    expect(
      mergeReplicationRules(merged.rules, {
        filter: 'acme-',
        regions: ['eu-west-1'],
        accountId: ACCOUNT,
      }).changed,
    ).toBe(false)
  })

  it('never touches a registry-wide rule (no filter), even when it covers our regions', () => {
    const everything = { destinations: [{ region: 'eu-west-1', registryId: ACCOUNT }] }
    const merged = mergeReplicationRules([everything], {
      filter: 'acme-',
      regions: ['eu-west-1'],
      accountId: ACCOUNT,
    })
    expect(merged.rules[0]).toBe(everything)
    expect(merged.rules).toHaveLength(2)
  })

  // Our destinations added to it would copy the other prefix's images into our regions too.
  it('never touches a rule that filters our prefix and another one', () => {
    const shared = {
      destinations: [{ region: 'us-west-2', registryId: ACCOUNT }],
      repositoryFilters: [
        { filter: 'acme-', filterType: 'PREFIX_MATCH' as const },
        { filter: 'other-', filterType: 'PREFIX_MATCH' as const },
      ],
    }
    const merged = mergeReplicationRules([shared], {
      filter: 'acme-',
      regions: ['eu-west-1'],
      accountId: ACCOUNT,
    })
    expect(merged.rules[0]).toBe(shared)
    expect(merged.rules[1]?.repositoryFilters).toEqual([
      { filter: 'acme-', filterType: 'PREFIX_MATCH' },
    ])
  })

  it("counts a destination in another account's registry as no replica of ours", () => {
    const ours = {
      destinations: [{ region: 'eu-west-1', registryId: '999999999999' }],
      repositoryFilters: [{ filter: 'acme-', filterType: 'PREFIX_MATCH' as const }],
    }
    const merged = mergeReplicationRules([ours], {
      filter: 'acme-',
      regions: ['eu-west-1'],
      accountId: ACCOUNT,
    })
    expect(merged.changed).toBe(true)
    expect(merged.rules[0]?.destinations).toEqual([
      { region: 'eu-west-1', registryId: '999999999999' },
      { region: 'eu-west-1', registryId: ACCOUNT },
    ])
  })

  it('through the fake: one PutReplicationConfiguration per provider, foreign rules kept', async () => {
    await using fake = await startAwsFake()
    const foreign = {
      destinations: [{ region: 'ap-south-1', registryId: fake.accountId }],
      repositoryFilters: [{ filter: 'other-', filterType: 'PREFIX_MATCH' }],
    }
    fake.seedReplicationRules(REGION, [foreign])
    const registry = await providerFor(fake, { replicationRegions: REPLICAS })
    await registry.createRepository(uniqueLogical('r'))
    await registry.createRepository(uniqueLogical('r'))
    expect(fake.requestsFor('PutReplicationConfiguration')).toHaveLength(1)
    const rules = fake.getReplicationRules(REGION)
    expect(rules[0]).toEqual(foreign)
    expect(rules[1]?.repositoryFilters).toEqual([
      { filter: `${PREFIX}-`, filterType: 'PREFIX_MATCH' },
    ])
    expect(rules[1]?.destinations.map((d) => d.region)).toEqual(REPLICAS)
  })
})

// docs/platforms/aws.md#the-replication-rule
describe('merges of the replication rules in one process go one at a time', () => {
  it('two prefixes merging their rules at once both keep their rule', async () => {
    await using fake = await startAwsFake()
    const acme = await providerFor(fake, { replicationRegions: ['eu-west-1'] })
    const beta = await providerFor(fake, {
      repositoryPrefix: 'beta',
      replicationRegions: ['eu-west-1'],
    })
    await Promise.all([
      acme.createRepository(uniqueLogical('a')),
      beta.createRepository(uniqueLogical('b')),
    ])
    const filters = fake.getReplicationRules(REGION).map((r) => r.repositoryFilters?.[0]?.filter)
    expect(filters.sort()).toEqual([`${PREFIX}-`, 'beta-'])
  })
})

// docs/platforms/aws.md#replicas-get-every-grant-change
describe('replicas get the same change on add and on remove', () => {
  it('createRepository creates every replica itself: ECR creates one only with the first push', async () => {
    await using fake = await startAwsFake()
    const registry = await providerFor(fake, { replicationRegions: REPLICAS })
    const { name } = await registry.createRepository(uniqueLogical('r'))
    for (const region of REPLICAS) expect(fake.getRepository(region, name), region).toBeDefined()
    const creates = fake.requestsFor('CreateRepository').map((r) => fake.regionOf(r))
    expect(creates.sort()).toEqual([REGION, ...REPLICAS].sort())
    // Nothing was pushed, so only those replicas let a grant reach every region.
    await registry.addCrossAccountAccess(name, GRANT)
    for (const region of REPLICAS) expect(fake.getPolicy(region, name), region).toBeDefined()
  })

  it("applies add and remove to every replica, keeping each replica's foreign statements", async () => {
    await using fake = await startAwsFake({ principals: [FOREIGN_ROLE] })
    const registry = await providerFor(fake, { replicationRegions: REPLICAS })
    const { name } = await registry.createRepository(uniqueLogical('r'))
    fake.seedPolicy(
      'ap-southeast-2',
      name,
      JSON.stringify({ Version: '2012-10-17', Statement: [FOREIGN_STATEMENT] }),
    )
    await registry.addCrossAccountAccess(name, GRANT)
    for (const region of [REGION, ...REPLICAS]) {
      expect(fake.getPolicy(region, name), region).toContain('arn:aws:iam::111111111111:root')
      expect(fake.getPolicy(region, name), region).toContain(
        'arn:aws:lambda:eu-west-1:111111111111',
      )
    }
    await registry.removeCrossAccountAccess(name, GRANT)
    expect(fake.getPolicy(REGION, name)).toBeUndefined()
    expect(fake.getPolicy('eu-west-1', name)).toBeUndefined()
    expect(policyDoc(fake, 'ap-southeast-2', name)).toEqual({
      Version: '2012-10-17',
      Statement: [FOREIGN_STATEMENT],
    })
    const regions = fake.requestsFor('SetRepositoryPolicy').map((r) => fake.regionOf(r))
    expect(regions.sort()).toEqual([REGION, ...REPLICAS, 'ap-southeast-2'].sort())
  })

  it('a grantee pulls in every region while the grant holds, and in none once it is removed', async () => {
    const grantee = GRANTEE_IDENTITIES.aws.accountUser
    await using fake = await startAwsFake()
    const registry = await providerFor(fake, { replicationRegions: REPLICAS })
    const { name } = await registry.createRepository(uniqueLogical('pulled'))
    await pushImage(await registry.generateCredentials(name, 'push-pull'), name, 'v1')
    const pulls = async (): Promise<Record<string, number>> => {
      const statuses: Record<string, number> = {}
      for (const region of [REGION, ...REPLICAS]) {
        statuses[region] = await manifestStatus(
          await granteeCredentials(fake, grantee, region),
          name,
          'v1',
        )
      }
      return statuses
    }
    const every = (status: number) =>
      Object.fromEntries([REGION, ...REPLICAS].map((region) => [region, status]))
    expect(await pulls()).toEqual(every(403))
    const grant = {
      ...GRANT,
      accountIds: [grantee.accountId],
      regions: [],
      allowedServiceTypes: [],
    }
    await registry.addCrossAccountAccess(name, grant)
    expect(await pulls()).toEqual(every(200))
    await registry.removeCrossAccountAccess(name, grant)
    expect(await pulls()).toEqual(every(403))
  })

  it('add creates the replica a repository made before its region was added lacks, and grants there', async () => {
    // ECR makes a replica only when it replicates a push: this repository never gets one.
    await using fake = await startAwsFake({ replicaDelayMs: null })
    const name = `${PREFIX}-${uniqueLogical('older')}`
    fake.seedRepository(REGION, name)
    const registry = await providerFor(fake, { replicationRegions: ['eu-west-1'] })
    const started = Date.now()
    await registry.addCrossAccountAccess(name, GRANT)
    // Waiting for it instead failed with TIMEOUT after replicaWait.timeoutMs, at every retry.
    expect(Date.now() - started).toBeLessThan(2500)
    expect(fake.getRepository('eu-west-1', name)).toBeDefined()
    expect(fake.getPolicy('eu-west-1', name)).toContain('111111111111')
    expect(fake.getPolicy(REGION, name)).toContain('111111111111')
    const creates = fake.requestsFor('CreateRepository').map((r) => fake.regionOf(r))
    expect(creates).toEqual(['eu-west-1'])
    // The replica exists now: the next change only checks it.
    await registry.addCrossAccountAccess(name, { ...GRANT, accountIds: ['222222222222'] })
    expect(fake.requestsFor('CreateRepository')).toHaveLength(1)
  })

  it('add takes a replica that ECR replicated meanwhile as it is', async () => {
    await using fake = await startAwsFake({ replicaDelayMs: null })
    const name = `${PREFIX}-${uniqueLogical('raced')}`
    fake.seedRepository(REGION, name)
    const registry = await providerFor(fake, { replicationRegions: ['eu-west-1'] })
    // Replication makes the replica between the check and the create.
    fake.inject('CreateRepository', { before: () => void fake.seedRepository('eu-west-1', name) })
    await registry.addCrossAccountAccess(name, GRANT)
    expect(fake.getPolicy('eu-west-1', name)).toContain('111111111111')
  })

  it('add on a repository missing from the home region is NOT_FOUND and creates no replica', async () => {
    await using fake = await startAwsFake({ replicaDelayMs: null })
    const name = `${PREFIX}-${uniqueLogical('gone')}`
    const registry = await providerFor(fake, { replicationRegions: ['eu-west-1'] })
    await expect(registry.addCrossAccountAccess(name, GRANT)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    expect(fake.getRepository('eu-west-1', name)).toBeUndefined()
    expect(fake.requestsFor('CreateRepository')).toHaveLength(0)
    expect(fake.requestsFor('SetRepositoryPolicy')).toHaveLength(0)
  })

  it('remove counts a replica that does not exist as revoked: it succeeds at once, without waiting for it', async () => {
    // A repository made before its replica region was added has no replica there, and gets one
    // only when ECR replicates a push, without a policy: nothing there can hold the grant.
    await using fake = await startAwsFake({ replicaDelayMs: null })
    const name = `${PREFIX}-${uniqueLogical('gone')}`
    fake.seedRepository(REGION, name)
    await (await providerFor(fake)).addCrossAccountAccess(name, GRANT)
    const registry = await providerFor(fake, { replicationRegions: ['eu-west-1'] })
    const started = Date.now()
    await registry.removeCrossAccountAccess(name, GRANT)
    expect(Date.now() - started).toBeLessThan(2500)
    expect(fake.getPolicy(REGION, name)).toBeUndefined()
    expect((await registry.getCrossAccountAccess(name)).access).toMatchObject({ accountIds: [] })
    // Done, so doing it again is done too.
    await registry.removeCrossAccountAccess(name, GRANT)
  })

  it('remove goes on to every replica when the home region fails, then reports that failure', async () => {
    await using fake = await startAwsFake()
    const registry = await providerFor(fake, { replicationRegions: REPLICAS })
    const { name } = await registry.createRepository(uniqueLogical('r'))
    await registry.addCrossAccountAccess(name, GRANT)
    // Home goes first, so the one refusal is the home region's read.
    fake.inject('GetRepositoryPolicy', 'access-denied')
    await expect(registry.removeCrossAccountAccess(name, GRANT)).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    })
    expect(fake.getPolicy(REGION, name)).toContain('111111111111')
    for (const region of REPLICAS) expect(fake.getPolicy(region, name), region).toBeUndefined()
  })

  it('remove revokes the replicas of a home repository deleted meanwhile, without waiting, then says NOT_FOUND', async () => {
    await using fake = await startAwsFake()
    const registry = await providerFor(fake, {
      replicationRegions: REPLICAS,
      replicaWait: { timeoutMs: 5000, intervalMs: 10 },
    })
    const { name } = await registry.createRepository(uniqueLogical('r'))
    await registry.addCrossAccountAccess(name, GRANT)
    // Someone deletes the home repository only; its replicas keep their grants.
    await (await providerFor(fake)).deleteRepository(name)
    const started = Date.now()
    await expect(registry.removeCrossAccountAccess(name, GRANT)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    expect(Date.now() - started).toBeLessThan(2500)
    for (const region of REPLICAS) expect(fake.getPolicy(region, name), region).toBeUndefined()
  })

  it('a policy already gone in the home region does not stop the revocation in the replicas', async () => {
    await using fake = await startAwsFake()
    const registry = await providerFor(fake, { replicationRegions: REPLICAS })
    const { name } = await registry.createRepository(uniqueLogical('r'))
    await registry.addCrossAccountAccess(name, GRANT)
    fake.inject('DeleteRepositoryPolicy', {
      before: () => fake.seedPolicy(REGION, name, undefined),
    })
    await registry.removeCrossAccountAccess(name, GRANT)
    for (const region of [REGION, ...REPLICAS]) {
      expect(fake.getPolicy(region, name), region).toBeUndefined()
    }
  })

  it('an add that fails in a replica says where the grant now stands', async () => {
    await using fake = await startAwsFake()
    const registry = await providerFor(fake, { replicationRegions: REPLICAS })
    const { name } = await registry.createRepository(uniqueLogical('r'))
    // The home region's write goes through; the first replica's fails.
    fake.inject('SetRepositoryPolicy', { before: () => {} })
    fake.inject('SetRepositoryPolicy', 'server-error')
    const failed = registry.addCrossAccountAccess(name, GRANT)
    await expect(failed).rejects.toMatchObject({ code: 'UNAVAILABLE' })
    const message = (await failed.catch((error: Error) => error.message)) as string
    const holding = REPLICAS.filter((region) => fake.getPolicy(region, name) !== undefined)
    expect(holding).toHaveLength(1)
    expect(message).toContain(`the grant now stands in ${[REGION, ...holding].join(', ')}`)
    expect(message).toMatch(/^\[provider-aws\] (?!\[provider-aws\])/)
    expect((await registry.getCrossAccountAccess(name)).access).toEqual(GRANT)
    await registry.addCrossAccountAccess(name, GRANT)
    for (const region of REPLICAS) expect(fake.getPolicy(region, name), region).toBeDefined()
  })

  it('get reports a grant a replica still holds after a revocation that failed there', async () => {
    await using fake = await startAwsFake()
    const registry = await providerFor(fake, { replicationRegions: REPLICAS })
    const { name } = await registry.createRepository(uniqueLogical('r'))
    await registry.addCrossAccountAccess(name, GRANT)
    // The home region's delete goes through; the first replica's fails.
    fake.inject('DeleteRepositoryPolicy', { before: () => {} })
    fake.inject('DeleteRepositoryPolicy', 'server-error')
    await expect(registry.removeCrossAccountAccess(name, GRANT)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    })
    expect(fake.getPolicy(REGION, name)).toBeUndefined()
    expect((await registry.getCrossAccountAccess(name)).access).toEqual(GRANT)
    await registry.removeCrossAccountAccess(name, GRANT)
    expect((await registry.getCrossAccountAccess(name)).access).toMatchObject({ accountIds: [] })
  })

  it('get counts a replica that does not exist as granting nothing', async () => {
    await using fake = await startAwsFake({ replicaDelayMs: null })
    const name = `${PREFIX}-${uniqueLogical('gone')}`
    fake.seedRepository(REGION, name)
    await (await providerFor(fake)).addCrossAccountAccess(name, GRANT)
    const registry = await providerFor(fake, { replicationRegions: ['eu-west-1'] })
    expect((await registry.getCrossAccountAccess(name)).access).toEqual(GRANT)
  })

  it('a replica check that fails for another reason is not waited out', async () => {
    await using fake = await startAwsFake()
    const registry = await providerFor(fake, { replicationRegions: ['eu-west-1'] })
    const { name } = await registry.createRepository(uniqueLogical('r'))
    fake.inject('DescribeRepositories', 'access-denied')
    await expect(registry.addCrossAccountAccess(name, GRANT)).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    })
    expect(fake.requestsFor('SetRepositoryPolicy')).toHaveLength(0)
  })
})
