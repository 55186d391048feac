import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  ListInstanceProfilesForRoleCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam'
import { afterAll, describe, expect, it } from 'vitest'
import { BASE_USER, iamOf, iamRefusal } from './provision-helpers.js'

// The AWS fake's instance profiles, through the real IAM SDK, as IAM documents them: one role a
// profile, and a role an instance profile holds cannot be deleted.

const ACCOUNT = '123456789012'
const fake = await startAwsFake()
const iam = iamOf(fake)
afterAll(async () => {
  iam.destroy()
  await fake.close()
})

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: BASE_USER }, Action: 'sts:AssumeRole' }],
})

describe('AWS fake IAM: instance profiles', () => {
  it('hold one role; DeleteRole is a DeleteConflict until the role is removed', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'ec2-app', AssumeRolePolicyDocument: TRUST }))
    const { InstanceProfile } = await iam.send(
      new CreateInstanceProfileCommand({ InstanceProfileName: 'app', Path: '/team/' }),
    )
    expect(InstanceProfile).toMatchObject({
      InstanceProfileName: 'app',
      Path: '/team/',
      Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/team/app`,
      Roles: [],
    })
    const add = new AddRoleToInstanceProfileCommand({
      InstanceProfileName: 'app',
      RoleName: 'ec2-app',
    })
    await iam.send(add)
    // One role a profile, a quota IAM does not raise.
    expect(await iamRefusal(iam, add)).toMatchObject({
      name: 'LimitExceededException',
      status: 409,
    })
    const listed = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'ec2-app' }))
    expect(
      listed.InstanceProfiles?.map((p) => [p.InstanceProfileName, p.Roles?.[0]?.RoleName]),
    ).toEqual([['app', 'ec2-app']])
    expect(await iamRefusal(iam, new DeleteRoleCommand({ RoleName: 'ec2-app' }))).toMatchObject({
      name: 'DeleteConflictException',
      status: 409,
    })
    await iam.send(
      new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'app', RoleName: 'ec2-app' }),
    )
    const after = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'ec2-app' }))
    expect(after.InstanceProfiles).toEqual([])
    await iam.send(new DeleteRoleCommand({ RoleName: 'ec2-app' }))
    expect(fake.getRole('ec2-app')).toBeUndefined()
  })

  it('refuses a duplicate name in any case, a missing profile or role, and a bad name', async () => {
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'dup' }))
    const again = new CreateInstanceProfileCommand({ InstanceProfileName: 'DUP' })
    expect(await iamRefusal(iam, again)).toMatchObject({
      name: 'EntityAlreadyExistsException',
      status: 409,
    })
    const toMissing = new AddRoleToInstanceProfileCommand({
      InstanceProfileName: 'absent',
      RoleName: 'absent',
    })
    expect(await iamRefusal(iam, toMissing)).toMatchObject({
      name: 'NoSuchEntityException',
      status: 404,
    })
    const missingRole = new AddRoleToInstanceProfileCommand({
      InstanceProfileName: 'dup',
      RoleName: 'absent',
    })
    expect((await iamRefusal(iam, missingRole)).name).toBe('NoSuchEntityException')
    const listMissing = new ListInstanceProfilesForRoleCommand({ RoleName: 'absent' })
    expect((await iamRefusal(iam, listMissing)).name).toBe('NoSuchEntityException')
    const badName = new CreateInstanceProfileCommand({ InstanceProfileName: 'bad name' })
    expect((await iamRefusal(iam, badName)).name).toBe('ValidationError')
  })
})
