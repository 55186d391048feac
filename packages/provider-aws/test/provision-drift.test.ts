import type { ProvisionChange } from '@artifact-registry/core'
import { type AwsFake, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import {
  DeleteRolePolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam'
import { describe, expect, it } from 'vitest'
import { provision } from '../src/provision/index.js'
import { REGION, REPLICA } from './helpers.js'
import { iamSend, provisionOptions } from './provision-helpers.js'

// Whatever someone changed behind provisioning's back is reported and put back; nothing else is
// touched, and a run after the repair finds everything unchanged.

const ACCOUNT = '123456789012'
const PULL_ARN = `arn:aws:iam::${ACCOUNT}:role/acme-pull`
const OTHER_USER = `arn:aws:iam::${ACCOUNT}:user/intruder`
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/boundary`
const OTHER_BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/other-boundary`
const EMPTY = JSON.stringify({ Version: '2012-10-17', Statement: [] })
const RULE_ID = `ecr:${REGION}:${ACCOUNT}:replication-rule/acme-`

interface Drift {
  /** What another tool changes after the first provision. */
  change: (fake: AwsFake) => Promise<void>
  /** The change the next provision reports. */
  expected: ProvisionChange
  /** The fake's state once put back. */
  repaired: (fake: AwsFake) => void
}

const options = (fake: AwsFake) =>
  provisionOptions(fake, {
    replicationRegions: [REPLICA],
    permissionsBoundaryArn: BOUNDARY,
    tags: { team: 'platform' },
  })

const DRIFTS: Record<string, Drift> = {
  'a changed trust policy': {
    change: (fake) => {
      // IAM refuses a trust policy naming a principal that does not exist.
      fake.seedPrincipal(OTHER_USER)
      return iamSend(
        fake,
        new UpdateAssumeRolePolicyCommand({
          RoleName: 'acme-pull',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { AWS: OTHER_USER }, Action: 'sts:AssumeRole' },
            ],
          }),
        }),
      )
    },
    expected: { action: 'update', kind: 'iam-role', id: PULL_ARN, detail: 'trust policy' },
    repaired: (fake) =>
      expect(fake.getRole('acme-pull')?.assumeRolePolicyDocument).not.toContain(OTHER_USER),
  },
  'a lowered MaxSessionDuration': {
    change: (fake) =>
      iamSend(fake, new UpdateRoleCommand({ RoleName: 'acme-pull', MaxSessionDuration: 3600 })),
    expected: { action: 'update', kind: 'iam-role', id: PULL_ARN, detail: 'MaxSessionDuration' },
    repaired: (fake) => expect(fake.getRole('acme-pull')?.maxSessionDuration).toBe(43_200),
  },
  'another permissions boundary': {
    change: (fake) =>
      iamSend(
        fake,
        new PutRolePermissionsBoundaryCommand({
          RoleName: 'acme-pull',
          PermissionsBoundary: OTHER_BOUNDARY,
        }),
      ),
    expected: { action: 'update', kind: 'iam-role', id: PULL_ARN, detail: 'permissions boundary' },
    repaired: (fake) => expect(fake.getRole('acme-pull')?.permissionsBoundaryArn).toBe(BOUNDARY),
  },
  'a changed tag (a foreign tag stays)': {
    change: (fake) =>
      iamSend(
        fake,
        new TagRoleCommand({
          RoleName: 'acme-pull',
          Tags: [
            { Key: 'team', Value: 'other' },
            { Key: 'foreign', Value: 'kept' },
          ],
        }),
      ),
    expected: { action: 'update', kind: 'iam-role', id: PULL_ARN, detail: 'tags' },
    repaired: (fake) =>
      expect(fake.getRole('acme-pull')?.tags).toEqual({
        team: 'platform',
        'artifact-registry:repository-prefix': 'acme',
        foreign: 'kept',
      }),
  },
  'a changed inline policy': {
    change: (fake) =>
      iamSend(
        fake,
        new PutRolePolicyCommand({
          RoleName: 'acme-pull',
          PolicyName: 'artifact-registry',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'ecr:*', Resource: '*' }],
          }),
        }),
      ),
    expected: {
      action: 'update',
      kind: 'iam-role-policy',
      id: `${PULL_ARN}#artifact-registry`,
      detail: 'policy document',
    },
    repaired: (fake) =>
      expect(fake.getRole('acme-pull')?.inlinePolicies['artifact-registry']).not.toContain('ecr:*'),
  },
  'a deleted inline policy': {
    change: (fake) =>
      iamSend(
        fake,
        new DeleteRolePolicyCommand({ RoleName: 'acme-pull', PolicyName: 'artifact-registry' }),
      ),
    expected: { action: 'create', kind: 'iam-role-policy', id: `${PULL_ARN}#artifact-registry` },
    repaired: (fake) =>
      expect(Object.keys(fake.getRole('acme-pull')?.inlinePolicies ?? {})).toEqual([
        'artifact-registry',
      ]),
  },
  'a replica region dropped from the rule': {
    change: async (fake) => {
      const [rule] = fake.getReplicationRules(REGION)
      const destinations = [{ region: 'ap-south-1', registryId: ACCOUNT }]
      fake.seedReplicationRules(REGION, [{ ...rule, destinations }])
    },
    expected: {
      action: 'update',
      kind: 'ecr-replication-rule',
      id: RULE_ID,
      detail: 'destinations',
    },
    repaired: (fake) =>
      expect(fake.getReplicationRules(REGION)[0]?.destinations.map((d) => d.region)).toEqual([
        'ap-south-1',
        REPLICA,
      ]),
  },
  'a deleted replication rule': {
    change: async (fake) => fake.seedReplicationRules(REGION, []),
    expected: { action: 'create', kind: 'ecr-replication-rule', id: RULE_ID },
    repaired: (fake) => expect(fake.getReplicationRules(REGION)).toHaveLength(1),
  },
}

describe('provision repairs drift', () => {
  it.each(Object.entries(DRIFTS))('%s', async (_, drift) => {
    await using fake = await startAwsFake({
      managedPolicies: { [BOUNDARY]: EMPTY, [OTHER_BOUNDARY]: EMPTY },
    })
    const first = await provision(options(fake))
    await drift.change(fake)
    const repair = await provision(options(fake))
    const changed = repair.changes.filter((c) => c.action !== 'unchanged')
    expect(changed).toEqual([drift.expected])
    expect(repair.changes).toHaveLength(first.changes.length)
    drift.repaired(fake)
    const after = await provision(options(fake))
    expect(after.changes.every((c) => c.action === 'unchanged')).toBe(true)
  })

  it('reports every difference of a role in one update, and repairs them all', async () => {
    await using fake = await startAwsFake({
      managedPolicies: { [BOUNDARY]: EMPTY, [OTHER_BOUNDARY]: EMPTY },
    })
    await provision(options(fake))
    for (const name of ['a changed trust policy', 'a lowered MaxSessionDuration']) {
      await DRIFTS[name]?.change(fake)
    }
    const repair = await provision(options(fake))
    expect(repair.changes.filter((c) => c.action !== 'unchanged')).toEqual([
      {
        action: 'update',
        kind: 'iam-role',
        id: PULL_ARN,
        detail: 'trust policy, MaxSessionDuration',
      },
    ])
    expect(fake.getRole('acme-pull')?.maxSessionDuration).toBe(43_200)
  })
})
