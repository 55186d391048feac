import { parseBinding } from '@artifact-registry/core'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { describe, expect, it } from 'vitest'
import { provision } from '../src/provision/index.js'
import { PULL_ACTIONS, PUSH_PULL_ACTIONS } from '../src/session-policy.js'
import { baseSessionOptions, REGION, REPLICA } from './helpers.js'
import {
  BASE_USER,
  inlinePolicy,
  operationsSince,
  provisionOptions,
  READ_OPERATIONS,
} from './provision-helpers.js'

// A first provision creates the roles as the runtime needs them; a second changes nothing.

const ACCOUNT = '123456789012'
const REPOSITORIES = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/acme-*`
const PULL_ARN = `arn:aws:iam::${ACCOUNT}:role/acme-pull`
const PUSH_ARN = `arn:aws:iam::${ACCOUNT}:role/acme-push`

describe('provision creates', () => {
  it('the pull and push roles, trusting exactly the principals, each with its inline policy', async () => {
    await using fake = await startAwsFake()
    const result = await provision(provisionOptions(fake))
    expect(result.changes).toEqual([
      { action: 'create', kind: 'iam-role', id: PULL_ARN },
      { action: 'create', kind: 'iam-role', id: PUSH_ARN },
      { action: 'create', kind: 'iam-role-policy', id: `${PULL_ARN}#artifact-registry` },
      { action: 'create', kind: 'iam-role-policy', id: `${PUSH_ARN}#artifact-registry` },
    ])
    for (const [name, actions] of [
      ['acme-pull', PULL_ACTIONS],
      ['acme-push', PUSH_PULL_ACTIONS],
    ] as const) {
      const role = fake.getRole(name)
      expect(role?.maxSessionDuration).toBe(43_200)
      expect(JSON.parse(role?.assumeRolePolicyDocument ?? '{}').Statement).toEqual([
        { Effect: 'Allow', Principal: { AWS: [BASE_USER] }, Action: 'sts:AssumeRole' },
      ])
      expect(inlinePolicy(fake, name).Statement).toEqual([
        { Sid: 'Repository', Effect: 'Allow', Action: [...actions], Resource: [REPOSITORIES] },
        {
          Sid: 'AuthorizationToken',
          Effect: 'Allow',
          Action: 'ecr:GetAuthorizationToken',
          Resource: '*',
        },
      ])
      expect(Object.keys(role?.inlinePolicies ?? {})).toEqual(['artifact-registry'])
    }
    expect(parseBinding(result.binding)).toEqual({
      platform: 'aws',
      region: REGION,
      repositoryPrefix: 'acme',
      pullRoleArn: PULL_ARN,
      pushRoleArn: PUSH_ARN,
    })
  })

  it('the minimal policy of the runtime identity: its repository actions, the listing, and AssumeRole on both roles', async () => {
    await using fake = await startAwsFake()
    const { runtimePolicy } = await provision(provisionOptions(fake))
    expect(runtimePolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Repositories',
          Effect: 'Allow',
          Action: [
            'ecr:CreateRepository',
            'ecr:DescribeRepositories',
            'ecr:DeleteRepository',
            'ecr:GetRepositoryPolicy',
            'ecr:SetRepositoryPolicy',
            'ecr:DeleteRepositoryPolicy',
          ],
          Resource: [REPOSITORIES],
        },
        {
          Sid: 'ListRepositories',
          Effect: 'Allow',
          Action: 'ecr:DescribeRepositories',
          Resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/*`,
        },
        {
          Sid: 'AssumeRoles',
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: [PULL_ARN, PUSH_ARN],
        },
      ],
    })
  })

  it('with replicas, a boundary and tags: all of them, and the replication rule merged in', async () => {
    const boundary = `arn:aws:iam::${ACCOUNT}:policy/ecr-only`
    await using fake = await startAwsFake({
      managedPolicies: { [boundary]: JSON.stringify({ Version: '2012-10-17', Statement: [] }) },
    })
    const foreign = {
      destinations: [{ region: 'ap-south-1', registryId: ACCOUNT }],
      repositoryFilters: [{ filter: 'other-', filterType: 'PREFIX_MATCH' }],
    }
    fake.seedReplicationRules(REGION, [foreign])
    const result = await provision(
      provisionOptions(fake, {
        repositoryPrefix: 'team',
        replicationRegions: [REPLICA],
        permissionsBoundaryArn: boundary,
        tags: { owner: 'platform', 'cost-center': '42' },
      }),
    )
    // After the roles and their inline policies, which name its regions first (see the README's
    // Converging).
    expect(result.changes.at(4)).toEqual({
      action: 'create',
      kind: 'ecr-replication-rule',
      id: `ecr:${REGION}:${ACCOUNT}:replication-rule/team-`,
    })
    expect(fake.getReplicationRules(REGION)).toEqual([
      foreign,
      {
        destinations: [{ region: REPLICA, registryId: ACCOUNT }],
        repositoryFilters: [{ filter: 'team-', filterType: 'PREFIX_MATCH' }],
      },
    ])
    const pull = fake.getRole('acme-pull')
    expect(pull?.permissionsBoundaryArn).toBe(boundary)
    expect(pull?.tags).toEqual({
      owner: 'platform',
      'cost-center': '42',
      'artifact-registry:repository-prefix': 'team',
    })
    expect(inlinePolicy(fake, 'acme-push').Statement[0]?.Resource).toEqual([
      `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/team-*`,
      `arn:aws:ecr:${REPLICA}:${ACCOUNT}:repository/team-*`,
    ])
    expect(result.binding).toMatchObject({
      repositoryPrefix: 'team',
      replicationRegions: [REPLICA],
    })
    expect(result.runtimePolicy.Statement.at(-1)).toEqual({
      Sid: 'Replication',
      Effect: 'Allow',
      Action: ['ecr:DescribeRegistry'],
      Resource: '*',
    })
  })
})

describe('provision converges', () => {
  it('a second run reports every resource unchanged and sends only reads', async () => {
    await using fake = await startAwsFake()
    const options = provisionOptions(fake, { replicationRegions: [REPLICA], tags: { a: 'b' } })
    const first = await provision(options)
    const from = fake.requests.length
    const second = await provision(options)
    expect(second.changes).toEqual(first.changes.map((c) => ({ ...c, action: 'unchanged' })))
    expect(second.changes).toHaveLength(5)
    expect(operationsSince(fake, from).filter((op) => !READ_OPERATIONS.has(op))).toEqual([])
    expect(second.binding).toEqual(first.binding)
  })
})

describe('the roles are usable', () => {
  it('the trusted principal assumes them for 12 hours; another principal is refused', async () => {
    await using fake = await startAwsFake({ roles: { 'arn:aws:iam::123456789012:role/other': {} } })
    const { binding } = await provision(provisionOptions(fake))
    const sts = new STSClient(fake.clientConfig())
    const assumed = await sts.send(
      new AssumeRoleCommand({
        RoleArn: binding.pushRoleArn,
        RoleSessionName: 'ok',
        DurationSeconds: 43_200,
      }),
    )
    expect(assumed.Credentials?.AccessKeyId).toMatch(/^ASIA/)
    sts.destroy()
    const other = await baseSessionOptions(fake, 'arn:aws:iam::123456789012:role/other', 3600)
    const otherSts = new STSClient({
      ...fake.clientConfig(),
      credentials: other.clientConfig?.credentials,
    })
    await expect(
      otherSts.send(new AssumeRoleCommand({ RoleArn: binding.pullRoleArn, RoleSessionName: 'no' })),
    ).rejects.toThrow(/not authorized to perform: sts:AssumeRole/)
    otherSts.destroy()
  })
})
