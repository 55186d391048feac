import { type AwsFake, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam'
import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { REGION } from './helpers.js'
import {
  BASE_USER,
  conflictOf,
  deprovisionOptions,
  iamSend,
  operationsSince,
  provisionOptions,
  READ_OPERATIONS,
} from './provision-helpers.js'

// Provisioning takes over and deletes only roles it created for this prefix (its ownership tag),
// holding only the policy it wrote; it finds out before it changes anything.

const ACCOUNT = '123456789012'
const AUDIT_POLICY = `arn:aws:iam::${ACCOUNT}:policy/audit`
const SECOND_POLICY = `arn:aws:iam::${ACCOUNT}:policy/second`
const NOTHING = JSON.stringify({ Version: '2012-10-17', Statement: [] })
const OWNER_TAG = 'artifact-registry:repository-prefix'

function trust(): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: BASE_USER }, Action: 'sts:AssumeRole' }],
  })
}

/** A fake whose IAM lists one item a page: every list must follow `Marker`. */
function pagedFake(): Promise<AwsFake> {
  return startAwsFake({
    iamPageLimit: 1,
    managedPolicies: { [AUDIT_POLICY]: NOTHING, [SECOND_POLICY]: NOTHING },
  })
}

describe('provision', () => {
  it('tags both roles with the prefix it created them for', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, { repositoryPrefix: 'team' }))
    for (const name of ['acme-pull', 'acme-push']) {
      expect(fake.getRole(name)?.tags).toEqual({ [OWNER_TAG]: 'team' })
    }
  })

  it('refuses a role of that name it did not create: CONFLICT naming it, nothing changed', async () => {
    await using fake = await startAwsFake()
    await iamSend(
      fake,
      new CreateRoleCommand({ RoleName: 'acme-push', AssumeRolePolicyDocument: trust() }),
    )
    const from = fake.requests.length
    const error = await conflictOf(provision(provisionOptions(fake)))
    expect(error.message).toContain(
      `role acme-push, which provisioning did not create (no tag ${OWNER_TAG})`,
    )
    expect(operationsSince(fake, from).filter((op) => !READ_OPERATIONS.has(op))).toEqual([])
    expect(fake.getRoleNames()).toEqual(['acme-push'])
    expect(fake.getRole('acme-push')?.inlinePolicies).toEqual({})
  })

  it('refuses a role it created for another prefix', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, { repositoryPrefix: 'team' }))
    const error = await conflictOf(provision(provisionOptions(fake)))
    expect(error.message).toContain('role acme-pull, which provisioning created for prefix team')
    expect(fake.getRole('acme-pull')?.tags).toEqual({ [OWNER_TAG]: 'team' })
  })

  it('refuses foreign inline and attached policies, read on every page, before repairing anything', async () => {
    await using fake = await pagedFake()
    await provision(provisionOptions(fake))
    const drifted = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: 'sts:AssumeRole',
        },
      ],
    })
    await iamSend(
      fake,
      new UpdateAssumeRolePolicyCommand({ RoleName: 'acme-pull', PolicyDocument: drifted }),
    )
    await iamSend(
      fake,
      new AttachRolePolicyCommand({ RoleName: 'acme-push', PolicyArn: AUDIT_POLICY }),
    )
    const error = await conflictOf(provision(provisionOptions(fake)))
    expect(error.message).toContain(
      `managed policy ${AUDIT_POLICY} attached to role acme-push, which provisioning did not attach`,
    )
    // The pull role comes first, yet its drift stays: the refusal came before any change.
    expect(fake.getRole('acme-pull')?.assumeRolePolicyDocument).toBe(drifted)
  })
})

describe('deprovision', () => {
  it('never deletes a role it did not create, force or not, and deletes nothing else first', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake))
    await iamSend(
      fake,
      new TagRoleCommand({ RoleName: 'acme-push', Tags: [{ Key: OWNER_TAG, Value: 'other' }] }),
    )
    fake.seedRepository(REGION, 'acme-app')
    const error = await conflictOf(deprovision(deprovisionOptions(fake, { force: true })))
    expect(error.message).toContain('role acme-push, which provisioning created for prefix other')
    expect(fake.getRoleNames()).toEqual(['acme-pull', 'acme-push'])
    expect(fake.getRepositoryNames(REGION)).toEqual(['acme-app'])
  })

  it('refuses a role with an attached managed policy, found on a later page, before deleting anything', async () => {
    await using fake = await pagedFake()
    await provision(provisionOptions(fake))
    for (const PolicyArn of [AUDIT_POLICY, SECOND_POLICY]) {
      await iamSend(fake, new AttachRolePolicyCommand({ RoleName: 'acme-pull', PolicyArn }))
    }
    const error = await conflictOf(deprovision(deprovisionOptions(fake, { force: true })))
    expect(error.message).toContain(`managed policy ${SECOND_POLICY} attached to role acme-pull`)
    expect(fake.getRoleNames()).toEqual(['acme-pull', 'acme-push'])
    expect(Object.keys(fake.getRole('acme-push')?.inlinePolicies ?? {})).toEqual([
      'artifact-registry',
    ])
  })
})
