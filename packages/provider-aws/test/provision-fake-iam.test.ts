import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr'
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { afterAll, describe, expect, it } from 'vitest'
import { baseSessionOptions, REGION } from './helpers.js'
import { BASE_USER, iamOf, iamRefusal, policy } from './provision-helpers.js'

// The AWS fake's IAM, through the real IAM SDK, as strict as IAM's documentation says IAM is:
// the fake provisioning is tested against must refuse what IAM refuses.

const ACCOUNT = '123456789012'
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/describe-only`
const fake = await startAwsFake({
  managedPolicies: {
    [BOUNDARY]: policy({ Effect: 'Allow', Action: 'ecr:DescribeRepositories', Resource: '*' }),
  },
})
const iam = iamOf(fake)
afterAll(async () => {
  iam.destroy()
  await fake.close()
})

const trust = (principal: unknown = BASE_USER) =>
  policy({ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' })

let roles = 0
function roleName(): string {
  roles += 1
  return `fake-iam-${roles}`
}

describe('AWS fake IAM: CreateRole validates as IAM does', () => {
  it.each([
    ['a name of 65 characters', { RoleName: 'r'.repeat(65) }, 'ValidationError'],
    ['a name with a space', { RoleName: 'bad name' }, 'ValidationError'],
    ['a path without its slashes', { Path: 'team' }, 'ValidationError'],
    ['MaxSessionDuration above 12 hours', { MaxSessionDuration: 43_201 }, 'ValidationError'],
    [
      'a trust policy that is not JSON',
      { AssumeRolePolicyDocument: '{' },
      'MalformedPolicyDocumentException',
    ],
    [
      'a trust policy naming a Resource',
      {
        AssumeRolePolicyDocument: policy({
          Effect: 'Allow',
          Principal: { AWS: BASE_USER },
          Action: 'sts:AssumeRole',
          Resource: '*',
        }),
      },
      'MalformedPolicyDocumentException',
    ],
    [
      'a trust policy longer than 2048 characters',
      { AssumeRolePolicyDocument: trust(Array.from({ length: 60 }, () => BASE_USER)) },
      'LimitExceededException',
    ],
    [
      'a boundary IAM does not have',
      { PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/none` },
      'NoSuchEntityException',
    ],
    ['a reserved tag key', { Tags: [{ Key: 'aws:x', Value: 'y' }] }, 'InvalidInputException'],
  ])('refuses %s', async (_, input, name) => {
    const command = new CreateRoleCommand({
      RoleName: roleName(),
      AssumeRolePolicyDocument: trust(),
      ...input,
    })
    expect((await iamRefusal(iam, command)).name).toBe(name)
  })

  it('refuses a trust policy naming a role or user that does not exist, naming it', async () => {
    const missing = `arn:aws:iam::${ACCOUNT}:role/never-created`
    const answer = await iamRefusal(
      iam,
      new CreateRoleCommand({ RoleName: roleName(), AssumeRolePolicyDocument: trust(missing) }),
    )
    expect(answer).toMatchObject({ name: 'MalformedPolicyDocumentException', status: 400 })
    expect(answer.message).toBe(`Invalid principal in policy: "AWS":"${missing}"`)
  })

  it('refuses a second role of the same name in any case: EntityAlreadyExists (409)', async () => {
    const name = roleName()
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust() }))
    const answer = await iamRefusal(
      iam,
      new CreateRoleCommand({ RoleName: name.toUpperCase(), AssumeRolePolicyDocument: trust() }),
    )
    expect(answer).toMatchObject({ name: 'EntityAlreadyExistsException', status: 409 })
  })

  it('returns policy documents URL-encoded, as IAM does', async () => {
    const name = roleName()
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust() }))
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: name }))
    expect(Role?.AssumeRolePolicyDocument).toBe(encodeURIComponent(trust()))
    expect(Role?.MaxSessionDuration).toBe(3600)
  })
})

describe('AWS fake IAM: inline policies and deletion', () => {
  it('NoSuchEntity for a missing role or policy; DeleteConflict while a role holds policies', async () => {
    expect((await iamRefusal(iam, new GetRoleCommand({ RoleName: 'absent' }))).name).toBe(
      'NoSuchEntityException',
    )
    const name = roleName()
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust() }))
    const get = new GetRolePolicyCommand({ RoleName: name, PolicyName: 'p' })
    expect(await iamRefusal(iam, get)).toMatchObject({ name: 'NoSuchEntityException', status: 404 })
    const document = policy({ Effect: 'Allow', Action: 'ecr:*', Resource: '*' })
    await iam.send(
      new PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: document }),
    )
    expect(await iamRefusal(iam, new DeleteRoleCommand({ RoleName: name }))).toMatchObject({
      name: 'DeleteConflictException',
      status: 409,
    })
    await iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: 'p' }))
    await iam.send(new DeleteRoleCommand({ RoleName: name }))
    expect(fake.getRole(name)).toBeUndefined()
  })

  it('refuses an identity policy naming a principal, and inline policies beyond 10240 characters', async () => {
    const name = roleName()
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust() }))
    const withPrincipal = policy({
      Effect: 'Allow',
      Principal: '*',
      Action: 'ecr:*',
      Resource: '*',
    })
    const put = (PolicyName: string, PolicyDocument: string) =>
      new PutRolePolicyCommand({ RoleName: name, PolicyName, PolicyDocument })
    expect((await iamRefusal(iam, put('p', withPrincipal))).name).toBe(
      'MalformedPolicyDocumentException',
    )
    const big = (n: number) =>
      policy({ Effect: 'Allow', Action: `ecr:${'A'.repeat(n)}`, Resource: '*' })
    await iam.send(put('first', big(6000)))
    expect((await iamRefusal(iam, put('second', big(6000)))).name).toBe('LimitExceededException')
  })

  it('a deleted role is no principal any more: a trust policy naming it is refused', async () => {
    const name = roleName()
    const { Role } = await iam.send(
      new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust() }),
    )
    await iam.send(new DeleteRoleCommand({ RoleName: name }))
    const other = roleName()
    await iam.send(new CreateRoleCommand({ RoleName: other, AssumeRolePolicyDocument: trust() }))
    const update = new UpdateAssumeRolePolicyCommand({
      RoleName: other,
      PolicyDocument: trust(Role?.Arn),
    })
    expect((await iamRefusal(iam, update)).name).toBe('MalformedPolicyDocumentException')
  })
})

describe('AWS fake IAM: created roles through STS and ECR', () => {
  it('are assumed up to their MaxSessionDuration, by the principals their trust policy names', async () => {
    const name = roleName()
    const { Role } = await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: trust(),
        MaxSessionDuration: 7200,
      }),
    )
    const sts = new STSClient(fake.clientConfig())
    const assume = (DurationSeconds: number) =>
      sts.send(
        new AssumeRoleCommand({ RoleArn: Role?.Arn, RoleSessionName: 'trusted', DurationSeconds }),
      )
    await expect(assume(7200)).resolves.toBeDefined()
    await expect(assume(7201)).rejects.toThrow(/MaxSessionDuration/)
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: name,
        PolicyDocument: trust(`arn:aws:iam::${ACCOUNT}:root`),
      }),
    )
    await expect(assume(900)).resolves.toBeDefined()
    fake.seedPrincipal(`arn:aws:iam::${ACCOUNT}:user/other`)
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: name,
        PolicyDocument: trust(`arn:aws:iam::${ACCOUNT}:user/other`),
      }),
    )
    await expect(assume(900)).rejects.toThrow(/not authorized to perform: sts:AssumeRole/)
    sts.destroy()
  })

  it('allow their sessions exactly their inline policies, within their permissions boundary', async () => {
    const name = roleName()
    const { Role } = await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: trust(),
        PermissionsBoundary: BOUNDARY,
      }),
    )
    const session = await baseSessionOptions(fake, Role?.Arn ?? '', 900)
    const ecr = new ECRClient({
      ...fake.clientConfig(REGION),
      credentials: session.clientConfig?.credentials,
    })
    const describe = () => ecr.send(new DescribeRepositoriesCommand({}))
    // No inline policy: nothing is allowed.
    await expect(describe()).rejects.toThrow(/identity-based/)
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: name,
        PolicyName: 'all',
        PolicyDocument: policy({ Effect: 'Allow', Action: 'ecr:*', Resource: '*' }),
      }),
    )
    await expect(describe()).resolves.toBeDefined()
    // The boundary allows describing only.
    await expect(
      ecr.send(new CreateRepositoryCommand({ repositoryName: `${name}-x` })),
    ).rejects.toThrow(/permissions boundary/)
    ecr.destroy()
  })

  it('are principals ECR accepts in a repository policy while they exist', async () => {
    const name = roleName()
    const { Role } = await iam.send(
      new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust() }),
    )
    fake.seedRepository(REGION, name)
    const ecr = new ECRClient(fake.clientConfig(REGION))
    const grant = () =>
      ecr.send(
        new SetRepositoryPolicyCommand({
          repositoryName: name,
          policyText: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { AWS: Role?.Arn }, Action: 'ecr:BatchGetImage' },
            ],
          }),
        }),
      )
    await expect(grant()).resolves.toBeDefined()
    await iam.send(new DeleteRoleCommand({ RoleName: name }))
    await expect(grant()).rejects.toThrow(/Principal not found/)
    ecr.destroy()
  })
})

describe('AWS fake IAM: role tags', () => {
  it('ignore the case of their keys, as IAM does: another case replaces the tag, both at once are refused', async () => {
    const RoleName = roleName()
    await iam.send(
      new CreateRoleCommand({
        RoleName,
        AssumeRolePolicyDocument: trust(),
        Tags: [{ Key: 'Team', Value: 'a' }],
      }),
    )
    await iam.send(new TagRoleCommand({ RoleName, Tags: [{ Key: 'team', Value: 'b' }] }))
    const { Role } = await iam.send(new GetRoleCommand({ RoleName }))
    expect(Role?.Tags).toEqual([{ Key: 'team', Value: 'b' }])
    const both = new CreateRoleCommand({
      RoleName: roleName(),
      AssumeRolePolicyDocument: trust(),
      Tags: [
        { Key: 'Team', Value: 'a' },
        { Key: 'TEAM', Value: 'b' },
      ],
    })
    expect(await iamRefusal(iam, both)).toMatchObject({
      name: 'InvalidInputException',
      status: 400,
    })
  })
})

describe('AWS fake IAM: the caller needs iam: actions', () => {
  it('CreateRole with tags needs iam:TagRole too', async () => {
    await using strict = await startAwsFake({
      basePolicies: [
        policy({ Effect: 'Allow', Action: ['iam:CreateRole', 'iam:GetRole'], Resource: '*' }),
      ],
    })
    const client = iamOf(strict)
    const tagged = new CreateRoleCommand({
      RoleName: 'tagged',
      AssumeRolePolicyDocument: trust(),
      Tags: [{ Key: 'a', Value: 'b' }],
    })
    const answer = await iamRefusal(client, tagged)
    expect(answer).toMatchObject({ name: 'AccessDenied', status: 403 })
    expect(answer.message).toContain('iam:TagRole')
    await client.send(
      new CreateRoleCommand({ RoleName: 'plain', AssumeRolePolicyDocument: trust() }),
    )
    expect(
      (await iamRefusal(client, new DeleteRoleCommand({ RoleName: 'plain' }))).message,
    ).toContain('iam:DeleteRole')
    client.destroy()
  })
})
