import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr'
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam'
import { afterAll, describe, expect, it } from 'vitest'
import { baseSessionOptions, REGION } from './helpers.js'
import { BASE_USER, iamOf, iamRefusal, policy } from './provision-helpers.js'

// The AWS fake's IAM list actions and attached managed policies, through the real IAM SDK, as
// IAM documents them: pages of at most MaxItems (and, as IAM may, fewer: iamPageLimit) that a
// caller follows by Marker while IsTruncated; ListRoles without tags; DeleteRole refused while a
// managed policy is attached.

const ACCOUNT = '123456789012'
const DESCRIBE = `arn:aws:iam::${ACCOUNT}:policy/describe`
const managedPolicies: Record<string, string> = {
  [DESCRIBE]: policy({ Effect: 'Allow', Action: 'ecr:DescribeRepositories', Resource: '*' }),
}
for (let n = 1; n <= 11; n++) managedPolicies[`arn:aws:iam::${ACCOUNT}:policy/p${n}`] = policy()
const fake = await startAwsFake({ iamPageLimit: 2, managedPolicies })
const iam = iamOf(fake)
afterAll(async () => {
  iam.destroy()
  await fake.close()
})

const READ = policy({ Effect: 'Allow', Action: 'ecr:ListImages', Resource: '*' })
const TRUST = policy({ Effect: 'Allow', Principal: { AWS: BASE_USER }, Action: 'sts:AssumeRole' })

async function createRole(RoleName: string, Path = '/'): Promise<string> {
  const { Role } = await iam.send(
    new CreateRoleCommand({
      RoleName,
      Path,
      AssumeRolePolicyDocument: TRUST,
      Tags: [{ Key: 'k', Value: 'v' }],
    }),
  )
  return Role?.Arn ?? ''
}

/** Every page of a list call, by `Marker`: the items, and how many pages there were. */
async function pages<T>(
  send: (
    marker: string | undefined,
  ) => Promise<{ items?: T[]; IsTruncated?: boolean; Marker?: string }>,
): Promise<{ items: T[]; count: number }> {
  const items: T[] = []
  let marker: string | undefined
  let count = 0
  do {
    const page = await send(marker)
    count += 1
    items.push(...(page.items ?? []))
    marker = page.IsTruncated === true ? page.Marker : undefined
  } while (marker !== undefined)
  return { items, count }
}

describe('AWS fake IAM: ListRoles', () => {
  it('pages through every role by Marker, PathPrefix filters, and listed roles carry no tags', async () => {
    for (const name of ['list-a', 'list-b', 'list-c']) await createRole(name)
    await createRole('list-d', '/team/')
    const all = await pages(async (Marker) => {
      const page = await iam.send(new ListRolesCommand({ Marker }))
      return { ...page, items: page.Roles }
    })
    expect(all.items.map((r) => r.RoleName)).toEqual(['list-a', 'list-b', 'list-c', 'list-d'])
    expect(all.count).toBe(2)
    expect(all.items.every((r) => r.Tags === undefined && r.Arn?.startsWith('arn:aws:iam::'))).toBe(
      true,
    )
    const team = await iam.send(new ListRolesCommand({ PathPrefix: '/team/' }))
    expect(team.Roles?.map((r) => r.RoleName)).toEqual(['list-d'])
    const one = await iam.send(new ListRolesCommand({ MaxItems: 1 }))
    expect([one.Roles?.length, one.IsTruncated]).toEqual([1, true])
  })

  it('refuses MaxItems outside 1–1000 and a Marker it did not give', async () => {
    expect((await iamRefusal(iam, new ListRolesCommand({ MaxItems: 0 }))).name).toBe(
      'ValidationError',
    )
    expect((await iamRefusal(iam, new ListRolesCommand({ Marker: 'made-up' }))).name).toBe(
      'InvalidInputException',
    )
  })
})

describe('AWS fake IAM: role policies listed by page, and attached managed policies', () => {
  it('ListRolePolicies and ListAttachedRolePolicies page by Marker', async () => {
    await createRole('paged')
    for (const PolicyName of ['i1', 'i2', 'i3']) {
      await iam.send(
        new PutRolePolicyCommand({ RoleName: 'paged', PolicyName, PolicyDocument: READ }),
      )
    }
    for (const n of [1, 2, 3]) {
      const PolicyArn = `arn:aws:iam::${ACCOUNT}:policy/p${n}`
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'paged', PolicyArn }))
    }
    const inline = await pages(async (Marker) => {
      const page = await iam.send(new ListRolePoliciesCommand({ RoleName: 'paged', Marker }))
      return { ...page, items: page.PolicyNames }
    })
    expect(inline).toEqual({ items: ['i1', 'i2', 'i3'], count: 2 })
    const attached = await pages(async (Marker) => {
      const page = await iam.send(
        new ListAttachedRolePoliciesCommand({ RoleName: 'paged', Marker }),
      )
      return { ...page, items: page.AttachedPolicies }
    })
    expect(attached.items).toEqual(
      [1, 2, 3].map((n) => ({
        PolicyName: `p${n}`,
        PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/p${n}`,
      })),
    )
    expect(attached.count).toBe(2)
  })

  it('AttachRolePolicy: NoSuchEntity for a policy IAM does not have, at most 10 per role', async () => {
    await createRole('quota')
    const missing = new AttachRolePolicyCommand({
      RoleName: 'quota',
      PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/none`,
    })
    expect(await iamRefusal(iam, missing)).toMatchObject({
      name: 'NoSuchEntityException',
      status: 404,
    })
    for (let n = 1; n <= 10; n++) {
      const PolicyArn = `arn:aws:iam::${ACCOUNT}:policy/p${n}`
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'quota', PolicyArn }))
    }
    const eleventh = new AttachRolePolicyCommand({
      RoleName: 'quota',
      PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/p11`,
    })
    expect(await iamRefusal(iam, eleventh)).toMatchObject({
      name: 'LimitExceededException',
      status: 409,
    })
  })

  it('DeleteRole is a DeleteConflict while a managed policy is attached', async () => {
    await createRole('attached')
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'attached', PolicyArn: DESCRIBE }))
    expect(await iamRefusal(iam, new DeleteRoleCommand({ RoleName: 'attached' }))).toMatchObject({
      name: 'DeleteConflictException',
      status: 409,
      message: expect.stringContaining('must detach all policies first'),
    })
    expect(fake.getRole('attached')?.attachedPolicies).toEqual([DESCRIBE])
  })

  it("an attached policy allows the role's sessions what it says", async () => {
    const arn = await createRole('describer')
    const session = await baseSessionOptions(fake, arn, 900)
    const ecr = new ECRClient({
      ...fake.clientConfig(REGION),
      credentials: session.clientConfig?.credentials,
    })
    const describe = () => ecr.send(new DescribeRepositoriesCommand({}))
    await expect(describe()).rejects.toThrow(/identity-based/)
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'describer', PolicyArn: DESCRIBE }))
    await expect(describe()).resolves.toBeDefined()
    ecr.destroy()
  })
})
