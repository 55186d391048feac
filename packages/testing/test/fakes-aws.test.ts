import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { startAwsFake } from '../src/fakes/aws/index.js'

// The fake is checked on the wire here (no AWS SDK in this package); provider-aws runs the real
// SDK clients against it.

const fake = await startAwsFake()
afterAll(() => fake.close())
beforeEach(() => fake.reset())

function authorization(accessKeyId: string, region: string, service: string): string {
  return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20250101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=00`
}

async function ecr(
  operation: string,
  body: unknown,
  { region = 'us-east-1', accessKeyId = 'AKIDTEST' } = {},
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(fake.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonEC2ContainerRegistry_V20150921.${operation}`,
      authorization: authorization(accessKeyId, region, 'ecr'),
    },
    body: JSON.stringify(body),
  })
  return {
    status: res.status,
    json: (await res.json()) as Record<string, unknown>,
    headers: res.headers,
  }
}

async function sts(params: Record<string, string>): Promise<{ status: number; xml: string }> {
  const res = await fetch(fake.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: authorization('AKIDTEST', 'us-east-1', 'sts'),
    },
    body: new URLSearchParams({ Version: '2011-06-15', ...params }).toString(),
  })
  return { status: res.status, xml: await res.text() }
}

describe('AWS fake: ECR (awsJson1_1)', () => {
  it('creates, describes and refuses duplicates with a modelled error', async () => {
    const created = await ecr('CreateRepository', { repositoryName: 'team/app' })
    expect(created.status).toBe(200)
    expect(created.json.repository).toMatchObject({
      repositoryName: 'team/app',
      repositoryUri: `${fake.accountId}.dkr.ecr.us-east-1.amazonaws.com/team/app`,
      createdAt: expect.any(Number),
    })
    const again = await ecr('CreateRepository', { repositoryName: 'team/app' })
    expect(again.status).toBe(400)
    expect(again.json.__type).toBe('RepositoryAlreadyExistsException')
    expect(again.headers.get('x-amzn-errortype')).toBe('RepositoryAlreadyExistsException')
    expect((await ecr('CreateRepository', { repositoryName: 'Bad Name' })).json.__type).toBe(
      'InvalidParameterException',
    )
    const missing = await ecr('DescribeRepositories', { repositoryNames: ['nope'] })
    expect(missing.json.__type).toBe('RepositoryNotFoundException')
  })

  it('keeps state per region, read from the SigV4 credential scope', async () => {
    await ecr('CreateRepository', { repositoryName: 'regional' }, { region: 'eu-west-1' })
    expect(fake.getRepository('eu-west-1', 'regional')).toBeDefined()
    expect(fake.getRepository('us-east-1', 'regional')).toBeUndefined()
    expect(fake.regionOf(fake.requests[0] ?? { headers: {} })).toBe('eu-west-1')
  })

  it('distinguishes "no policy" from other failures and refuses an empty policy', async () => {
    await ecr('CreateRepository', { repositoryName: 'pol' })
    const none = await ecr('GetRepositoryPolicy', { repositoryName: 'pol' })
    expect(none.json.__type).toBe('RepositoryPolicyNotFoundException')
    const empty = await ecr('SetRepositoryPolicy', {
      repositoryName: 'pol',
      policyText: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
    })
    expect(empty.json.__type).toBe('InvalidParameterException')
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'ecr:BatchGetImage' },
      ],
    })
    expect(
      (await ecr('SetRepositoryPolicy', { repositoryName: 'pol', policyText: text })).status,
    ).toBe(200)
    expect((await ecr('GetRepositoryPolicy', { repositoryName: 'pol' })).json.policyText).toBe(text)
  })

  it('replicates new repositories matching a rule, without their policy, and can hold replicas back', async () => {
    const rules = [
      {
        destinations: [{ region: 'eu-west-1', registryId: fake.accountId }],
        repositoryFilters: [{ filter: 'rep-', filterType: 'PREFIX_MATCH' }],
      },
    ]
    const put = await ecr('PutReplicationConfiguration', { replicationConfiguration: { rules } })
    expect(put.status).toBe(200)
    expect((await ecr('DescribeRegistry', {})).json.replicationConfiguration).toEqual({ rules })
    await ecr('CreateRepository', { repositoryName: 'rep-a' })
    await ecr('CreateRepository', { repositoryName: 'other-a' })
    expect(fake.getRepositoryNames('eu-west-1')).toContain('rep-a')
    expect(fake.getRepositoryNames('eu-west-1')).not.toContain('other-a')

    await using held = await startAwsFake({ replicaDelayMs: null })
    held.seedReplicationRules('us-east-1', rules)
    held.seedRepository('us-east-1', 'rep-b')
    expect(held.getRepositoryNames('eu-west-1')).toEqual([])
  })

  it('issues authorization tokens as base64 "AWS:<password>" with an epoch-seconds expiry', async () => {
    const { json } = await ecr('GetAuthorizationToken', {})
    const [data] = json.authorizationData as { authorizationToken: string; expiresAt: number }[]
    const decoded = Buffer.from(data?.authorizationToken ?? '', 'base64').toString()
    expect(decoded).toBe(`AWS:${fake.authorizationTokens[0]?.password}`)
    expect(data?.expiresAt).toBeCloseTo(Date.now() / 1000 + 43_200, -1)
  })
})

describe('AWS fake: STS (awsQuery) and session policies', () => {
  it('AssumeRole records the session policy and enforces it on ECR calls', async () => {
    await ecr('CreateRepository', { repositoryName: 'scoped' })
    const arn = fake.getRepository('us-east-1', 'scoped')?.repositoryArn
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['ecr:DescribeRepositories'], Resource: arn },
        { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      ],
    })
    const assumed = await sts({
      Action: 'AssumeRole',
      RoleArn: 'arn:aws:iam::123456789012:role/r',
      RoleSessionName: 's1',
      DurationSeconds: '900',
      Policy: policy,
    })
    expect(assumed.status).toBe(200)
    expect(assumed.xml).toMatch(
      /<AssumeRoleResponse[^>]*><AssumeRoleResult><Credentials><AccessKeyId>ASIA/,
    )
    const session = fake.assumedRoles[0]
    expect(session).toMatchObject({
      roleArn: 'arn:aws:iam::123456789012:role/r',
      durationSeconds: 900,
      policy,
    })
    const accessKeyId = session?.accessKeyId ?? ''
    expect(
      (await ecr('DescribeRepositories', { repositoryNames: ['scoped'] }, { accessKeyId })).status,
    ).toBe(200)
    expect((await ecr('GetAuthorizationToken', {}, { accessKeyId })).status).toBe(200)
    const denied = await ecr(
      'SetRepositoryPolicy',
      { repositoryName: 'scoped', policyText: '{}' },
      { accessKeyId },
    )
    expect(denied.json.__type).toBe('AccessDeniedException')
    await ecr('CreateRepository', { repositoryName: 'other' })
    const elsewhere = await ecr(
      'DescribeRepositories',
      { repositoryNames: ['other'] },
      { accessKeyId },
    )
    expect(elsewhere.json.__type).toBe('AccessDeniedException')
  })

  it('refuses durations above the role maximum and malformed policies', async () => {
    await using strict = await startAwsFake({
      roles: { 'arn:aws:iam::123456789012:role/short': { maxSessionDurationSeconds: 3600 } },
    })
    const call = (params: Record<string, string>) =>
      fetch(strict.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          Action: 'AssumeRole',
          RoleSessionName: 's',
          ...params,
        }).toString(),
      }).then(async (r) => ({ status: r.status, xml: await r.text() }))
    const long = await call({
      RoleArn: 'arn:aws:iam::123456789012:role/short',
      RoleSessionName: 'ss',
      DurationSeconds: '7200',
    })
    expect(long.status).toBe(400)
    expect(long.xml).toContain('<Code>ValidationError</Code>')
    const malformed = await call({
      RoleArn: 'arn:aws:iam::123456789012:role/x',
      RoleSessionName: 'ss',
      Policy: '{',
    })
    expect(malformed.xml).toContain('<Code>MalformedPolicyDocument</Code>')
  })

  it('answers GetCallerIdentity with the fake account', async () => {
    const { xml } = await sts({ Action: 'GetCallerIdentity' })
    expect(xml).toContain(`<Account>${fake.accountId}</Account>`)
  })

  it('injects faults in the protocol of the operation', async () => {
    fake.inject('AssumeRole', 'throttling')
    fake.inject('CreateRepository', 'server-error')
    const throttled = await sts({
      Action: 'AssumeRole',
      RoleArn: 'arn:aws:iam::123456789012:role/r',
      RoleSessionName: 'ss',
    })
    expect(throttled.status).toBe(400)
    expect(throttled.xml).toContain('<Code>Throttling</Code>')
    const failed = await ecr('CreateRepository', { repositoryName: 'x1' })
    expect(failed).toMatchObject({ status: 500, json: { __type: 'ServerException' } })
    expect((await ecr('CreateRepository', { repositoryName: 'x1' })).status).toBe(200)
  })
})

describe('AWS fake: providerOptions', () => {
  it('points both ECR and STS at the fake, in the region asked for', () => {
    expect(fake.providerOptions('eu-west-1')).toEqual({
      region: 'eu-west-1',
      clientConfig: {
        endpoint: fake.url,
        stsEndpoint: fake.url,
        credentials: { accessKeyId: expect.any(String), secretAccessKey: expect.any(String) },
        maxAttempts: 1,
      },
    })
    expect(fake.providerOptions().region).toBe('us-east-1')
  })
})
