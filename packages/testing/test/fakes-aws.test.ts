import { type AwsFaultKind, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { type EcrAnswer, ecrCall, type Signer, stsCall } from './aws-wire.js'

// The fake is checked on the wire here (no AWS SDK in this package); provider-aws runs the real
// SDK clients against it.

const fake = await startAwsFake()
afterAll(() => fake.close())
beforeEach(() => fake.reset())

/** One ECR operation of this file's fake, on the wire. */
const ecr = (operation: string, body: unknown, signer?: Signer): Promise<EcrAnswer> =>
  ecrCall(fake, operation, body, signer)

/** One STS action of this file's fake, signed by the default test key. */
const sts = (params: Record<string, string>): Promise<{ status: number; xml: string }> =>
  stsCall(fake, params)

describe('AWS fake: ECR (awsJson1_1)', () => {
  it('creates, describes and refuses a second create of a name with a modelled error', async () => {
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

  it('keeps replication rules, and creating a repository creates no replica', async () => {
    const rules = [
      {
        destinations: [{ region: 'eu-west-1', registryId: fake.accountId }],
        repositoryFilters: [{ filter: 'rep-', filterType: 'PREFIX_MATCH' }],
      },
    ]
    const put = await ecr('PutReplicationConfiguration', { replicationConfiguration: { rules } })
    expect(put.status).toBe(200)
    expect((await ecr('DescribeRegistry', {})).json.replicationConfiguration).toEqual({ rules })
    // ECR replicates pushed images: the replica comes with the first push (the data plane's tests).
    await ecr('CreateRepository', { repositoryName: 'rep-a' })
    expect(fake.getRepositoryNames('eu-west-1')).not.toContain('rep-a')
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
})

describe('AWS fake: seeding and reading state', () => {
  it('seeds repositories and policies that the API then serves, and reset keeps them', async () => {
    const seeded = fake.seedRepository('us-west-2', 'seeded/app')
    expect(fake.seedRepository('us-west-2', 'seeded/app')).toBe(seeded)
    fake.seedPolicy('us-west-2', 'seeded/app', '{"Statement":"as given"}')
    fake.reset()
    const got = await ecr(
      'GetRepositoryPolicy',
      { repositoryName: 'seeded/app' },
      { region: 'us-west-2' },
    )
    expect(got.json.policyText).toBe('{"Statement":"as given"}')
    expect(fake.getRepository('us-west-2', 'seeded/app')).toEqual(seeded)
    expect(fake.getRepositoryNames('us-west-2')).toEqual(['seeded/app'])
    expect(fake.getPolicy('us-west-2', 'seeded/app')).toBe('{"Statement":"as given"}')
    fake.seedPolicy('us-west-2', 'seeded/app', undefined)
    expect(fake.getPolicy('us-west-2', 'seeded/app')).toBeUndefined()
  })

  it('refuses to seed what ECR would refuse, with a TypeError', () => {
    expect(() => fake.seedRepository('us-east-1', 'Bad Name')).toThrow(
      new TypeError('[aws-fake] ECR refuses the repository name "Bad Name"'),
    )
    expect(() => fake.seedPolicy('us-east-1', 'never-seeded', '{}')).toThrow(
      new TypeError('[aws-fake] no repository never-seeded in us-east-1: seed it first'),
    )
  })
})

describe('AWS fake: faults', () => {
  const assumeRole = () =>
    sts({
      Action: 'AssumeRole',
      RoleArn: 'arn:aws:iam::123456789012:role/r',
      RoleSessionName: 'ss',
    })

  it.each<[AwsFaultKind, string, number, string, number]>([
    ['throttling', 'ThrottlingException', 400, 'Throttling', 400],
    ['server-error', 'ServerException', 500, 'InternalFailure', 500],
    ['unavailable', 'ServiceUnavailableException', 503, 'ServiceUnavailable', 503],
    ['access-denied', 'AccessDeniedException', 400, 'AccessDenied', 403],
    ['unauthenticated', 'UnrecognizedClientException', 400, 'InvalidClientTokenId', 403],
  ])(
    '%s: ECR %s (%i) as JSON, STS %s (%i) as XML',
    async (kind, ecrType, ecrStatus, stsCode, stsStatus) => {
      fake.inject('CreateRepository', kind)
      fake.inject('AssumeRole', kind)
      const failed = await ecr('CreateRepository', { repositoryName: `f-${kind}` })
      expect(failed).toMatchObject({ status: ecrStatus, json: { __type: ecrType } })
      expect(failed.headers.get('x-amzn-errortype')).toBe(ecrType)
      const refused = await assumeRole()
      expect(refused.status).toBe(stsStatus)
      expect(refused.xml).toContain(`<Code>${stsCode}</Code>`)
      expect((await ecr('CreateRepository', { repositoryName: `f-${kind}` })).status).toBe(200)
      expect((await assumeRole()).status).toBe(200)
    },
  )

  it('counts times, adds Retry-After when asked, and forgets faults on reset', async () => {
    fake.inject('CreateRepository', 'throttling', { times: 2, retryAfterSeconds: 4 })
    const first = await ecr('CreateRepository', { repositoryName: 'f2' })
    expect(first.headers.get('retry-after')).toBe('4')
    expect((await ecr('CreateRepository', { repositoryName: 'f2' })).status).toBe(400)
    expect((await ecr('CreateRepository', { repositoryName: 'f2' })).status).toBe(200)
    fake.inject('DeleteRepository', 'unavailable')
    fake.reset()
    expect((await ecr('DeleteRepository', { repositoryName: 'f2' })).status).toBe(200)
  })

  it('refuses a fault it has no answer for, by name, with a TypeError', () => {
    const inject = fake.inject as (op: string, fault: unknown, options?: unknown) => void
    expect(() => inject('CreateRepository', 'conflict')).toThrow(
      new TypeError(
        '[aws-fake] ECR (CreateRepository) has no "conflict" fault: inject a response instead',
      ),
    )
    expect(() => inject('AssumeRole', 'conflict')).toThrow(/^\[aws-fake\] STS \(AssumeRole\)/)
    expect(() => inject('CreateRepository', 'slow')).toThrow(
      /^\[aws-fake\] unknown fault "slow": use one of throttling, server-error, /,
    )
    expect(() => inject('CreateRepository', 'throttling', { retryAfterSeconds: 1.5 })).toThrow(
      TypeError,
    )
    expect(() => inject('CreateRepository', { status: 429 }, { retryAfterSeconds: 1 })).toThrow(
      /retryAfterSeconds goes with a named fault/,
    )
  })
})

describe('AWS fake: providerOptions', () => {
  it('points ECR, STS and the registry at the fake, in the region asked for', () => {
    expect(fake.providerOptions('eu-west-1')).toEqual({
      region: 'eu-west-1',
      registryEndpoint: `http://${fake.dataPlane.registry}`,
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

// Each region below is a block of packages/testing/README.md, word for word.
describe('AWS fake: the README', () => {
  it('starts', async () => {
    // #region testing-readme-aws-start
    await using fake = await startAwsFake({ accountId: '111122223333' })
    // fake.url: the ECR and STS endpoint of every region, http://127.0.0.1:<port>
    // #endregion
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(fake.accountId).toBe('111122223333')
  })

  it('is as strict as STS and ECR, keeps time and serves the registry', async () => {
    const wallClock = Date.now()
    // #region testing-readme-aws-strict
    await using fake = await startAwsFake({
      roles: { 'arn:aws:iam::123456789012:role/acme-pull': { maxSessionDurationSeconds: 7200 } },
      principals: ['arn:aws:iam::222222222222:role/puller'], // may appear in repository policies
    })
    fake.seedPrincipal('arn:aws:iam::222222222222:role/new', { appearsAfterSeconds: 10 })
    // fake.dataPlane.registry: 127.0.0.1:<port>, where every token's proxyEndpoint points
    fake.advanceClock(3600) // sessions, tokens and the registry's checks see an hour pass
    // fake.now(): the fake's time in milliseconds
    // #endregion
    expect(fake.now()).toBeGreaterThanOrEqual(wallClock + 3600_000)
    expect(fake.dataPlane).toEqual({
      registry: expect.stringMatching(/^127\.0\.0\.1:/),
      tls: false,
    })
  })

  it('seeds and reads state', async () => {
    // #region testing-readme-aws-seeding
    fake.seedRepository('us-east-1', 'acme-legacy') // as another tool made it: no replicas
    const statement = { Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: 'ecr:*' }
    fake.seedPolicy('us-east-1', 'acme-legacy', JSON.stringify({ Statement: [statement] }))
    fake.seedReplicationRules('us-east-1', [
      { destinations: [{ region: 'eu-west-1', registryId: fake.accountId }] },
    ])
    const legacy = fake.getRepository('us-east-1', 'acme-legacy') // repositoryUri, createdAt, …
    // also getRepositoryNames(region), getPolicy(region, name), getReplicationRules(region)
    // #endregion
    expect(legacy?.repositoryUri).toBe(
      `${fake.accountId}.dkr.ecr.us-east-1.amazonaws.com/acme-legacy`,
    )
    const described = await ecr('GetRepositoryPolicy', { repositoryName: 'acme-legacy' })
    expect(JSON.parse(String(described.json.policyText))).toEqual({ Statement: [statement] })
    expect(fake.getReplicationRules('us-east-1')[0]?.destinations).toEqual([
      { region: 'eu-west-1', registryId: fake.accountId },
    ])
    expect(fake.getRepositoryNames('eu-west-1')).not.toContain('acme-legacy')
  })

  it('injects faults', async () => {
    fake.seedRepository('us-east-1', 'acme-app')
    // #region testing-readme-aws-faults
    fake.inject('CreateRepository', 'throttling') // the next CreateRepository: ThrottlingException
    fake.inject('AssumeRole', 'access-denied', { times: 2 }) // the next two: STS AccessDenied
    fake.inject('DeleteRepository', {
      status: 400,
      body: { __type: 'RepositoryNotEmptyException', message: 'The repository has images' },
    })
    fake.inject('SetRepositoryPolicy', {
      // a concurrent writer, just before the request is handled
      before: () => fake.seedPolicy('us-east-1', 'acme-app', '{"Statement":[]}'),
    })
    // #endregion
    expect((await ecr('CreateRepository', { repositoryName: 'acme-new' })).json.__type).toBe(
      'ThrottlingException',
    )
    const assume = { Action: 'AssumeRole', RoleArn: 'arn:aws:iam::123456789012:role/r' }
    for (let i = 0; i < 2; i++) {
      expect((await sts({ ...assume, RoleSessionName: 'ss' })).xml).toContain('AccessDenied')
    }
    expect((await ecr('DeleteRepository', { repositoryName: 'acme-app' })).json.__type).toBe(
      'RepositoryNotEmptyException',
    )
    const policyText = JSON.stringify({
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }],
    })
    await ecr('SetRepositoryPolicy', { repositoryName: 'acme-app', policyText })
    expect(fake.requestsFor('SetRepositoryPolicy')).toHaveLength(1)
    expect(fake.getPolicy('us-east-1', 'acme-app')).toBe(policyText)
  })

  it('logs requests', async () => {
    await ecr('CreateRepository', { repositoryName: 'acme-logged' }, { region: 'eu-west-1' })
    // #region testing-readme-aws-requests
    const names = fake.requestsFor('CreateRepository').map((r) => JSON.parse(r.body).repositoryName)
    const regions = fake.requests.map((r) => fake.regionOf(r)) // from each SigV4 signature
    // fake.assumedRoles: each AssumeRole with its session policy
    // fake.authorizationTokens: each GetAuthorizationToken answer
    // #endregion
    expect(names).toEqual(['acme-logged'])
    expect(regions).toEqual(['eu-west-1'])
  })

  it('resets and closes', async () => {
    const fake = await startAwsFake()
    fake.seedRepository('us-east-1', 'acme-kept')
    fake.inject('DescribeRepositories', 'unavailable')
    // #region testing-readme-aws-reset
    fake.reset() // forgets the request log, injected faults, assumedRoles and authorizationTokens
    // repositories, policies and rules stay; the credentials it issued stay valid
    await fake.close() // or start it with `await using`
    // #endregion
    expect(fake.requests).toHaveLength(0)
    expect(fake.getRepositoryNames('us-east-1')).toEqual(['acme-kept'])
    await expect(fetch(fake.url)).rejects.toThrow()
  })
})
