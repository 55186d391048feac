import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { describe, expect, it } from 'vitest'
import { assumeRole, ecrCall, type Signer, stsCall } from './aws-wire.js'

// The identities' own IAM policies: the base identity's and each role's, evaluated with the
// session policy on every ECR and STS call and on the registry, as IAM does.

const ROLE = 'arn:aws:iam::123456789012:role/builder'
const REPOSITORIES = 'arn:aws:ecr:us-east-1:123456789012:repository/acme-*'
const SERVICE_LINKED_ROLE =
  'arn:aws:iam::123456789012:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication'

function policy(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements })
}

async function registryStatus(
  token: { authorizationToken: string; proxyEndpoint: string },
  method: string,
  path: string,
): Promise<number> {
  const res = await fetch(`${token.proxyEndpoint}${path}`, {
    method,
    headers: { authorization: `Basic ${token.authorizationToken}` },
  })
  await res.body?.cancel()
  return res.status
}

async function token(
  fake: Awaited<ReturnType<typeof startAwsFake>>,
  signer: Signer = {},
): Promise<{ authorizationToken: string; proxyEndpoint: string }> {
  const { json } = await ecrCall(fake, 'GetAuthorizationToken', {}, signer)
  const [data] = json.authorizationData as { authorizationToken: string; proxyEndpoint: string }[]
  if (data === undefined) throw new Error(`no token: ${JSON.stringify(json)}`)
  return data
}

describe("AWS fake: the base identity's policies", () => {
  it('allow what they list, on the resources they list; an explicit Deny wins', async () => {
    await using fake = await startAwsFake({
      basePolicies: [
        policy({ Effect: 'Allow', Action: 'ecr:*Repository', Resource: REPOSITORIES }),
        policy({ Effect: 'Deny', Action: 'ecr:DeleteRepository', Resource: REPOSITORIES }),
      ],
    })
    expect((await ecrCall(fake, 'CreateRepository', { repositoryName: 'acme-a' })).status).toBe(200)
    const outside = await ecrCall(fake, 'CreateRepository', { repositoryName: 'other' })
    expect(outside.json).toEqual({
      __type: 'AccessDeniedException',
      message:
        'User: arn:aws:iam::123456789012:user/fake-caller is not authorized to perform: ecr:CreateRepository on resource: arn:aws:ecr:us-east-1:123456789012:repository/other because no identity-based policy allows the ecr:CreateRepository action',
    })
    const described = await ecrCall(fake, 'DescribeRepositories', { repositoryNames: ['acme-a'] })
    expect(described.json.__type).toBe('AccessDeniedException')
    const deleted = await ecrCall(fake, 'DeleteRepository', { repositoryName: 'acme-a' })
    expect(deleted.json.__type).toBe('AccessDeniedException')
    expect(fake.getRepository('us-east-1', 'acme-a')).toBeDefined()
  })

  it('must allow sts:AssumeRole on the role; GetCallerIdentity needs nothing', async () => {
    await using fake = await startAwsFake({
      basePolicies: [policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE })],
    })
    expect((await assumeRole(fake, { RoleArn: ROLE })).status).toBe(200)
    const other = await assumeRole(fake, { RoleArn: 'arn:aws:iam::123456789012:role/other' })
    expect(other.status).toBe(403)
    expect(other.xml).toContain('<Code>AccessDenied</Code>')
    expect(other.xml).toContain('no identity-based policy allows the sts:AssumeRole action')
    const { xml } = await stsCall(fake, { Action: 'GetCallerIdentity' })
    expect(xml).toContain('<Account>123456789012</Account>')
  })

  it('limit the registry for a token the base identity got (unscoped credentials)', async () => {
    await using fake = await startAwsFake({
      basePolicies: [
        policy(
          { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
          { Effect: 'Allow', Action: 'ecr:BatchGetImage', Resource: REPOSITORIES },
        ),
      ],
    })
    fake.seedRepository('us-east-1', 'acme-a')
    fake.seedRepository('us-east-1', 'other')
    const base = await token(fake)
    expect(await registryStatus(base, 'GET', '/v2/acme-a/manifests/v1')).toBe(404) // allowed
    expect(await registryStatus(base, 'GET', '/v2/other/manifests/v1')).toBe(403)
    expect(await registryStatus(base, 'POST', '/v2/acme-a/blobs/uploads/')).toBe(403)
  })

  it("need iam:CreateServiceLinkedRole for the account's first replication rule, only then", async () => {
    const rules = {
      replicationConfiguration: {
        rules: [{ destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] }],
      },
    }
    const registryActions = {
      Effect: 'Allow',
      Action: ['ecr:PutReplicationConfiguration'],
      Resource: '*',
    }
    await using without = await startAwsFake({ basePolicies: [policy(registryActions)] })
    const refused = await ecrCall(without, 'PutReplicationConfiguration', rules)
    expect(refused.json.message).toContain(
      `iam:CreateServiceLinkedRole on resource: ${SERVICE_LINKED_ROLE}`,
    )
    expect(without.getReplicationRules('us-east-1')).toEqual([])

    await using withRole = await startAwsFake({
      basePolicies: [
        policy(registryActions, {
          Effect: 'Allow',
          Action: 'iam:CreateServiceLinkedRole',
          Resource: SERVICE_LINKED_ROLE,
        }),
      ],
    })
    expect((await ecrCall(withRole, 'PutReplicationConfiguration', rules)).status).toBe(200)
  })
})

describe("AWS fake: a role's own policies", () => {
  it('limit its sessions together with the session policy, on calls and on the registry', async () => {
    await using fake = await startAwsFake({
      roles: {
        [ROLE]: {
          policies: [
            policy(
              { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
              { Effect: 'Allow', Action: 'ecr:BatchGetImage', Resource: REPOSITORIES },
            ),
          ],
        },
      },
    })
    fake.seedRepository('us-east-1', 'acme-a')
    // The session policy allows more than the role: the role's policies still decide.
    const session = await assumeRole(fake, {
      RoleArn: ROLE,
      Policy: policy({ Effect: 'Allow', Action: 'ecr:*', Resource: '*' }),
    })
    const signer = { accessKeyId: session.accessKeyId ?? '' }
    const described = await ecrCall(
      fake,
      'DescribeRepositories',
      { repositoryNames: ['acme-a'] },
      signer,
    )
    expect(described.json.message).toContain('no identity-based policy allows')
    const login = await token(fake, signer)
    expect(await registryStatus(login, 'GET', '/v2/acme-a/manifests/v1')).toBe(404) // allowed
    expect(await registryStatus(login, 'HEAD', `/v2/acme-a/blobs/sha256:${'0'.repeat(64)}`)).toBe(
      403,
    )

    // And the session policy still narrows what the role allows.
    const narrowed = await assumeRole(fake, {
      RoleArn: ROLE,
      Policy: policy({ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
    })
    const narrow = await token(fake, { accessKeyId: narrowed.accessKeyId ?? '' })
    expect(await registryStatus(narrow, 'GET', '/v2/acme-a/manifests/v1')).toBe(403)
  })
})
