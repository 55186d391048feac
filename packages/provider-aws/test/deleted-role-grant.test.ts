import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { CreateRoleCommand, DeleteRoleCommand } from '@aws-sdk/client-iam'
import { afterAll, describe, expect, it } from 'vitest'
import { access, providerFor, REGION, uniqueLogical } from './helpers.js'
import { iamSend } from './provision-helpers.js'

// IAM stores a repository policy's role principal as the role's unique id, and shows that id
// (`AROA…`) in place of the ARN once the role is deleted: a role created again under the same
// name is another principal, which the old grant does not reach. The provider relies on it (it
// drops those ids, see docs/platforms/aws.md#foreign-statements-are-kept); the fake must show it.

const A = '111111111111'
const fake = await startAwsFake()
afterAll(() => fake.close())

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${fake.accountId}:root` },
      Action: 'sts:AssumeRole',
    },
  ],
})

async function createRole(name: string): Promise<string> {
  await iamSend(fake, new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }))
  const arn = fake.getRole(name)?.arn
  if (arn === undefined) throw new Error(`role ${name} was not created`)
  return arn
}

describe('a granted role that IAM deletes', () => {
  it('is no longer granted, not even to a role created again under its name', async () => {
    await using registry = await providerFor(fake)
    const { name } = await registry.createRepository(uniqueLogical('deleted-role'))
    const roleName = uniqueLogical('puller')
    const role = await createRole(roleName)
    await registry.addCrossAccountAccess(name, access({ accountIds: [A], roleArns: [role] }))

    await iamSend(fake, new DeleteRoleCommand({ RoleName: roleName }))
    const text = fake.getPolicy(REGION, name) ?? ''
    expect(text).not.toContain(role)
    expect(text).toMatch(/"AROA[0-9A-Z]+"/)
    expect((await registry.getCrossAccountAccess(name)).access).toEqual(access({ accountIds: [A] }))

    expect(await createRole(roleName)).toBe(role)
    expect((await registry.getCrossAccountAccess(name)).access).toEqual(access({ accountIds: [A] }))
  })

  it('does not stop the revocation of the other grants of the policy', async () => {
    await using registry = await providerFor(fake)
    const { name } = await registry.createRepository(uniqueLogical('deleted-role'))
    const roleName = uniqueLogical('puller')
    const role = await createRole(roleName)
    await registry.addCrossAccountAccess(name, access({ accountIds: [A], roleArns: [role] }))
    await iamSend(fake, new DeleteRoleCommand({ RoleName: roleName }))

    await registry.removeCrossAccountAccess(name, access({ accountIds: [A] }))
    expect((await registry.getCrossAccountAccess(name)).access).toEqual(access({}))
    expect(fake.getPolicy(REGION, name)).toBeUndefined()
  })
})
