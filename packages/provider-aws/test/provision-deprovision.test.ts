import { isArtifactRegistryError } from '@artifact-registry/core'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  PutRolePolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam'
import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { REGION, REPLICA } from './helpers.js'
import {
  conflictOf,
  deprovisionOptions,
  iamOf,
  iamSend,
  provisionOptions,
} from './provision-helpers.js'

// Deprovisioning deletes what provisioning made, refuses while repositories remain (unless
// forced), and never touches what others made.

const ACCOUNT = '123456789012'
const FOREIGN_RULE = {
  destinations: [{ region: 'ap-south-1', registryId: ACCOUNT }],
  repositoryFilters: [{ filter: 'other-', filterType: 'PREFIX_MATCH' }],
}

describe('deprovision', () => {
  it('deletes the inline policies, the roles and our replication rule; foreign rules stay', async () => {
    await using fake = await startAwsFake()
    fake.seedReplicationRules(REGION, [FOREIGN_RULE])
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA] }))
    fake.seedRepository(REGION, 'other-app')
    fake.seedRepository(REGION, 'acmeish')
    const result = await deprovision(deprovisionOptions(fake))
    expect(result.changes).toEqual([
      {
        action: 'delete',
        kind: 'ecr-replication-rule',
        id: `ecr:${REGION}:${ACCOUNT}:replication-rule/acme-`,
      },
      {
        action: 'delete',
        kind: 'iam-role-policy',
        id: `arn:aws:iam::${ACCOUNT}:role/acme-pull#artifact-registry`,
      },
      { action: 'delete', kind: 'iam-role', id: `arn:aws:iam::${ACCOUNT}:role/acme-pull` },
      {
        action: 'delete',
        kind: 'iam-role-policy',
        id: `arn:aws:iam::${ACCOUNT}:role/acme-push#artifact-registry`,
      },
      { action: 'delete', kind: 'iam-role', id: `arn:aws:iam::${ACCOUNT}:role/acme-push` },
    ])
    expect(fake.getRoleNames()).toEqual([])
    expect(fake.getReplicationRules(REGION)).toEqual([FOREIGN_RULE])
    expect(fake.getRepositoryNames(REGION).sort()).toEqual(['acmeish', 'other-app'])
    expect(result.binding).toMatchObject({
      repositoryPrefix: 'acme',
      replicationRegions: [REPLICA],
    })
  })

  it('of what is already gone succeeds and reports nothing', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake))
    await deprovision(deprovisionOptions(fake))
    expect((await deprovision(deprovisionOptions(fake))).changes).toEqual([])
  })

  it('refuses with CONFLICT listing the repositories under the prefix, in every region, then force deletes them', async () => {
    // A repository a page: those on a later page are found and deleted too.
    await using fake = await startAwsFake({ ecrPageLimit: 1 })
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA] }))
    fake.seedRepository(REGION, 'acme-app')
    fake.seedRepository(REPLICA, 'acme-app')
    fake.seedRepository(REPLICA, 'acme-tool')
    const refused = await deprovision(deprovisionOptions(fake)).catch((e: unknown) => e)
    expect(isArtifactRegistryError(refused) && refused.code).toBe('CONFLICT')
    const message = (refused as Error).message
    for (const remains of [
      `acme-app (${REGION})`,
      `acme-app (${REPLICA})`,
      `acme-tool (${REPLICA})`,
    ]) {
      expect(message).toContain(`repository ${remains}`)
    }
    expect(fake.getRoleNames()).toEqual(['acme-pull', 'acme-push'])
    const forced = await deprovision(deprovisionOptions(fake, { force: true }))
    expect(forced.changes.filter((c) => c.kind === 'ecr-repository').map((c) => c.id)).toEqual([
      `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/acme-app`,
      `arn:aws:ecr:${REPLICA}:${ACCOUNT}:repository/acme-app`,
      `arn:aws:ecr:${REPLICA}:${ACCOUNT}:repository/acme-tool`,
    ])
    expect([...fake.getRepositoryNames(REGION), ...fake.getRepositoryNames(REPLICA)]).toEqual([])
    expect(fake.getRoleNames()).toEqual([])
  })

  it('checks the replicationRegions given for replicas too, when the rule no longer names them', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA] }))
    fake.seedReplicationRules(REGION, [])
    fake.seedRepository(REPLICA, 'acme-app')
    const options = deprovisionOptions(fake, { replicationRegions: [REPLICA] })
    await expect(deprovision(options)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`repository acme-app (${REPLICA})`),
    })
    const forced = await deprovision({ ...options, force: true })
    expect(forced.changes[0]).toEqual({
      action: 'delete',
      kind: 'ecr-repository',
      id: `arn:aws:ecr:${REPLICA}:${ACCOUNT}:repository/acme-app`,
    })
    expect(forced.binding.replicationRegions).toEqual([REPLICA])
    expect(fake.getRepositoryNames(REPLICA)).toEqual([])
  })

  it('never deletes an inline policy it did not write, on any page: CONFLICT naming it, force or not', async () => {
    // One policy a page: the foreign one is on the second.
    await using fake = await startAwsFake({ iamPageLimit: 1 })
    await provision(provisionOptions(fake))
    const iam = iamOf(fake)
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'acme-push',
        PolicyName: 'extra',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
        }),
      }),
    )
    iam.destroy()
    for (const force of [false, true]) {
      await expect(deprovision(deprovisionOptions(fake, { force }))).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('inline policy extra of role acme-push'),
      })
    }
    expect(Object.keys(fake.getRole('acme-push')?.inlinePolicies ?? {})).toEqual([
      'artifact-registry',
      'extra',
    ])
    expect(fake.getRoleNames()).toEqual(['acme-pull', 'acme-push'])
  })

  it('refuses before any change while an instance profile holds a role, on any page, force or not', async () => {
    // One instance profile a page: the one holding acme-push is the second.
    await using fake = await startAwsFake({ iamPageLimit: 1 })
    await provision(provisionOptions(fake))
    fake.seedRepository(REGION, 'acme-app')
    for (const InstanceProfileName of ['web', 'worker']) {
      await iamSend(fake, new CreateInstanceProfileCommand({ InstanceProfileName }))
      await iamSend(
        fake,
        new AddRoleToInstanceProfileCommand({ InstanceProfileName, RoleName: 'acme-push' }),
      )
    }
    for (const force of [false, true]) {
      const refused = await conflictOf(deprovision(deprovisionOptions(fake, { force })))
      for (const profile of ['web', 'worker']) {
        expect(refused.message).toContain(
          `role acme-push, which instance profile arn:aws:iam::${ACCOUNT}:instance-profile/${profile} holds`,
        )
      }
    }
    expect(fake.getRepositoryNames(REGION)).toEqual(['acme-app'])
    expect(fake.getRoleNames()).toEqual(['acme-pull', 'acme-push'])
    expect(Object.keys(fake.getRole('acme-push')?.inlinePolicies ?? {})).toEqual([
      'artifact-registry',
    ])
    for (const InstanceProfileName of ['web', 'worker']) {
      await iamSend(
        fake,
        new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName, RoleName: 'acme-push' }),
      )
    }
    await deprovision(deprovisionOptions(fake, { force: true }))
    expect(fake.getRoleNames()).toEqual([])
    expect(fake.getRepositoryNames(REGION)).toEqual([])
  })

  it('with force, deletes no repository when no role of the binding marks the prefix as provisioned', async () => {
    await using fake = await startAwsFake()
    // Another team's repositories under acme, which no provisioned binding covers, and a name
    // mistyped: neither acme-typo-pull nor acme-typo-push exists.
    fake.seedRepository(REGION, 'acme-app')
    const mistyped = deprovisionOptions(fake, {
      name: 'acme-typo',
      repositoryPrefix: 'acme',
      force: true,
    })
    const refused = await conflictOf(deprovision(mistyped))
    expect(refused.message).toContain(`repository acme-app (${REGION})`)
    expect(refused.message).toContain('acme-typo-pull or acme-typo-push')
    expect(fake.getRepositoryNames(REGION)).toEqual(['acme-app'])
    // Roles that carry the mark of another prefix do not count either.
    await provision(provisionOptions(fake, { name: 'acme-typo', repositoryPrefix: 'other' }))
    await conflictOf(deprovision(mistyped))
    expect(fake.getRepositoryNames(REGION)).toEqual(['acme-app'])
    // The binding's own roles carry the mark: force deletes the repository.
    await provision(provisionOptions(fake))
    await deprovision(deprovisionOptions(fake, { force: true }))
    expect(fake.getRepositoryNames(REGION)).toEqual([])
  })
})

describe('deprovision leaves the replication rule of a prefix it cannot show it provisioned', () => {
  // The rule `{prefix}-` serves every binding of that prefix (and the runtime merges it without
  // provisioning): a mistyped name with a real prefix must not stop another binding's replicas.
  it("another binding's rule stays when no role of this name carries the prefix's mark", async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA] }))
    const rules = fake.getReplicationRules(REGION)
    const result = await deprovision(
      deprovisionOptions(fake, { name: 'typo', repositoryPrefix: 'acme' }),
    )
    expect(result.changes).toEqual([
      {
        action: 'unchanged',
        kind: 'ecr-replication-rule',
        id: `ecr:${REGION}:${ACCOUNT}:replication-rule/acme-`,
        detail: 'kept: no role typo-pull or typo-push marks prefix acme as provisioned',
      },
    ])
    expect(fake.getReplicationRules(REGION)).toEqual(rules)
    expect(fake.getRoleNames()).toEqual(['acme-pull', 'acme-push'])
  })

  it('keeps a replication rule another stack added while it deleted the repositories', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA] }))
    fake.seedRepository(REGION, 'acme-web')
    const added = {
      destinations: [{ region: REPLICA, registryId: ACCOUNT }],
      repositoryFilters: [{ filter: 'other-', filterType: 'PREFIX_MATCH' }],
    }
    fake.inject('DeleteRepository', {
      before: () => fake.seedReplicationRules(REGION, [...fake.getReplicationRules(REGION), added]),
    })
    await deprovision(deprovisionOptions(fake, { force: true }))
    expect(fake.getReplicationRules(REGION)).toEqual([added])
  })

  it('a rerun after the rule could not be deleted still deletes it', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, { replicationRegions: [REPLICA] }))
    fake.inject('PutReplicationConfiguration', 'server-error')
    await expect(deprovision(deprovisionOptions(fake))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    })
    const rerun = await deprovision(deprovisionOptions(fake))
    expect(rerun.changes).toContainEqual({
      action: 'delete',
      kind: 'ecr-replication-rule',
      id: `ecr:${REGION}:${ACCOUNT}:replication-rule/acme-`,
    })
    expect(fake.getReplicationRules(REGION)).toEqual([])
    expect(fake.getRoleNames()).toEqual([])
  })
})
