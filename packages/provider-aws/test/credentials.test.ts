import { isArtifactRegistryError } from '@artifact-registry/core'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { PULL_ACTIONS, PUSH_PULL_ACTIONS, TOKEN_ACTION } from '../src/session-policy.js'
import {
  baseSessionOptions,
  PREFIX,
  PULL_ROLE,
  PUSH_ROLE,
  providerFor,
  REGION,
  uniqueLogical,
} from './helpers.js'
import { readmeActions } from './readme-permissions.js'

// The pull role allows 12-hour sessions; the push role keeps IAM's default of one hour.
const fake = await startAwsFake({ roles: { [PULL_ROLE]: { maxSessionDurationSeconds: 43_200 } } })
afterAll(() => fake.close())
beforeEach(() => fake.reset())

interface SessionPolicy {
  Version: string
  Statement: { Sid: string; Effect: string; Action: string | string[]; Resource: string }[]
}

function lastSessionPolicy(): SessionPolicy {
  const record = fake.assumedRoles.at(-1)
  expect(record?.policy, 'AssumeRole must carry an inline session policy').toBeTypeOf('string')
  return JSON.parse(record?.policy ?? '{}') as SessionPolicy
}

async function createdRepository(): Promise<{ name: string; arn: string }> {
  const registry = await providerFor(fake)
  const { name } = await registry.createRepository(uniqueLogical('cred'))
  const arn = fake.getRepository(REGION, name)?.repositoryArn ?? ''
  fake.reset()
  return { name, arn }
}

describe('the session policy sent to STS', () => {
  it.each([
    ['pull', PULL_ACTIONS],
    ['push-pull', PUSH_PULL_ACTIONS],
  ] as const)(
    '%s: exactly one repository ARN and exactly the actions of the level',
    async (permission, actions) => {
      const { name, arn } = await createdRepository()
      const registry = await providerFor(fake)
      await registry.generateCredentials(name, permission)
      const policy = lastSessionPolicy()
      expect(policy.Statement).toHaveLength(2)
      const [repository, token] = policy.Statement
      expect(repository).toEqual({
        Sid: 'Repository',
        Effect: 'Allow',
        Action: expect.any(Array),
        Resource: arn,
      })
      expect([...(repository?.Action ?? [])].sort()).toEqual([...actions].sort())
      expect(token).toEqual({
        Sid: 'AuthorizationToken',
        Effect: 'Allow',
        Action: 'ecr:GetAuthorizationToken',
        Resource: '*',
      })
      // No other ARN anywhere in the document, and no wildcard repository.
      expect(fake.assumedRoles.at(-1)?.policy?.match(/arn:aws:ecr:[^"]*/g)).toEqual([arn])
    },
  )

  it("each session policy allows exactly the actions the README gives the permission's role", () => {
    const repositories = 'repository/{prefix}-*'
    expect([...PULL_ACTIONS].sort()).toEqual(readmeActions('pull role', repositories).sort())
    expect([...PUSH_PULL_ACTIONS].sort()).toEqual(readmeActions('push role', repositories).sort())
    expect(PULL_ACTIONS.every((a) => PUSH_PULL_ACTIONS.includes(a))).toBe(true)
    expect(readmeActions('pull role, push role', '*')).toEqual([TOKEN_ACTION])
  })

  it('assumes the pull role for pull and the push role for push-pull', async () => {
    const { name } = await createdRepository()
    const registry = await providerFor(fake)
    await registry.generateCredentials(name, 'pull')
    await registry.generateCredentials(name, 'push-pull')
    expect(fake.assumedRoles.map((r) => r.roleArn)).toEqual([PULL_ROLE, PUSH_ROLE])
  })

  it('uses the push role narrowed to pull actions when only the push role is configured', async () => {
    const { name } = await createdRepository()
    const registry = await providerFor(fake, { pullRoleArn: undefined })
    await registry.generateCredentials(name, 'pull')
    expect(fake.assumedRoles.at(-1)?.roleArn).toBe(PUSH_ROLE)
    const actions = lastSessionPolicy().Statement[0]?.Action
    expect([...(actions ?? [])].sort()).toEqual([...PULL_ACTIONS].sort())
  })

  it('gets the token with the session credentials, not the base identity', async () => {
    const { name } = await createdRepository()
    const registry = await providerFor(fake)
    const credentials = await registry.generateCredentials(name, 'pull')
    const session = fake.assumedRoles.at(-1)
    const token = fake.authorizationTokens.at(-1)
    expect(token?.accessKeyId).toBe(session?.accessKeyId)
    expect(token?.roleArn).toBe(PULL_ROLE)
    const request = fake.requestsFor('GetAuthorizationToken').at(-1)
    expect(request?.headers['x-amz-security-token']).toBeTypeOf('string')
    expect(credentials).toMatchObject({
      authMethod: 'basic',
      username: 'AWS',
      password: token?.password,
      registry: fake.dataPlane.registry,
    })
  })

  it("names the token's proxyEndpoint host, unless registryEndpoint is configured", async () => {
    const { name } = await createdRepository()
    const fromToken = await providerFor(fake, { registryEndpoint: undefined })
    expect((await fromToken.generateCredentials(name, 'pull')).registry).toBe(
      fake.dataPlane.registry,
    )
    expect(fromToken.registryEndpoint).toBe(
      `https://${fake.accountId}.dkr.ecr.${REGION}.amazonaws.com`,
    )
    const configured = await providerFor(fake, {
      registryEndpoint: 'https://123456789012.dkr-ecr.us-east-1.on.aws/',
    })
    expect(configured.registryEndpoint).toBe('https://123456789012.dkr-ecr.us-east-1.on.aws')
    expect((await configured.generateCredentials(name, 'pull')).registry).toBe(
      '123456789012.dkr-ecr.us-east-1.on.aws',
    )
  })
})

describe('TTL and expiresAt', () => {
  it.each([
    [undefined, 3600],
    [60, 900],
    [1200, 1200],
    [10_000_000, 43_200],
  ])('ttlSeconds %s asks STS for %s seconds (the pull role allows 12 h)', async (ttl, expected) => {
    const { name } = await createdRepository()
    const registry = await providerFor(fake)
    const before = Date.now()
    const credentials = await registry.generateCredentials(name, 'pull', { ttlSeconds: ttl })
    expect(fake.assumedRoles[0]?.durationSeconds).toBe(expected)
    const expiresAt = credentials.expiresAt?.getTime() ?? 0
    expect(expiresAt).toBeGreaterThanOrEqual(before + expected * 1000 - 1000)
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + expected * 1000)
  })

  it('a role with the default maximum gets one hour, and reports it', async () => {
    const { name } = await createdRepository()
    const registry = await providerFor(fake)
    const before = Date.now()
    const credentials = await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 7200 })
    expect(Math.max(...fake.assumedRoles.map((r) => r.durationSeconds))).toBe(3600)
    const expiresAt = credentials.expiresAt?.getTime() ?? 0
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000 - 1000)
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000)
  })

  it('expiresAt is the session expiry when the session ends before the token', async () => {
    const { name } = await createdRepository()
    const registry = await providerFor(fake)
    const credentials = await registry.generateCredentials(name, 'pull', { ttlSeconds: 900 })
    expect(credentials.expiresAt?.getTime()).toBe(fake.assumedRoles.at(-1)?.expiration.getTime())
  })

  it('expiresAt is the token expiry when the token ends before the session', async () => {
    await using short = await startAwsFake({ tokenLifetimeSeconds: 1000 })
    const registry = await providerFor(short)
    const { name } = await registry.createRepository(uniqueLogical('cred'))
    const credentials = await registry.generateCredentials(name, 'pull', { ttlSeconds: 3600 })
    const token = short.authorizationTokens.at(-1)?.expiresAt.getTime() ?? 0
    expect(Math.abs((credentials.expiresAt?.getTime() ?? 0) - token)).toBeLessThanOrEqual(1)
    expect(token).toBeLessThan(short.assumedRoles.at(-1)?.expiration.getTime() ?? 0)
  })

  it('never reports an epoch-0 expiry: a token without a real expiresAt falls back to the session', async () => {
    const { name } = await createdRepository()
    const registry = await providerFor(fake)
    const token = Buffer.from('AWS:secret-password').toString('base64')
    const data = { authorizationToken: token, expiresAt: 0, proxyEndpoint: 'https://x.example' }
    fake.inject('GetAuthorizationToken', { status: 200, body: { authorizationData: [data] } })
    const credentials = await registry.generateCredentials(name, 'pull')
    expect(credentials.expiresAt?.getTime()).toBe(fake.assumedRoles.at(-1)?.expiration.getTime())
    expect(credentials.expiresAt?.getUTCFullYear()).toBeGreaterThan(2000)
  })

  it('refuses invalid TTLs and permissions before calling AWS', async () => {
    const { name } = await createdRepository()
    const registry = await providerFor(fake)
    fake.reset()
    for (const ttlSeconds of [0, -1, 1.5, Number.NaN]) {
      await expect(
        registry.generateCredentials(name, 'pull', { ttlSeconds }),
      ).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      })
    }
    await expect(registry.generateCredentials(name, 'push' as 'pull')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    expect(fake.requests).toHaveLength(0)
  })
})

describe('without a role', () => {
  it('refuses with INVALID_CONFIG and says how to opt in, without calling AWS', async () => {
    const { name } = await createdRepository()
    const registry = await providerFor(fake, { pullRoleArn: undefined, pushRoleArn: undefined })
    fake.reset()
    const error = await registry.generateCredentials(name, 'pull').catch((e: unknown) => e)
    expect(isArtifactRegistryError(error, 'INVALID_CONFIG')).toBe(true)
    expect((error as Error).message).toMatch(/^\[provider-aws\] .*allowUnscopedCredentials/)
    expect(registry.capabilities.repositoryScopedCredentials).toBe(false)
    expect(fake.requests).toHaveLength(0)
  })

  it('refuses push-pull when only the pull role is configured', async () => {
    const { name } = await createdRepository()
    const registry = await providerFor(fake, { pushRoleArn: undefined })
    await expect(registry.generateCredentials(name, 'push-pull')).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    })
    expect(registry.capabilities.repositoryScopedCredentials).toBe(true)
  })

  it('with allowUnscopedCredentials, uses the base identity and declares it', async () => {
    const { name } = await createdRepository()
    const registry = await providerFor(fake, {
      pullRoleArn: undefined,
      pushRoleArn: undefined,
      allowUnscopedCredentials: true,
    })
    const credentials = await registry.generateCredentials(name, 'push-pull')
    expect(fake.requestsFor('AssumeRole')).toHaveLength(0)
    expect(fake.authorizationTokens.at(-1)?.accessKeyId).toBe('AKIDFAKEBASE')
    expect(credentials.expiresAt?.getTime()).toBe(
      fake.authorizationTokens.at(-1)?.expiresAt.getTime(),
    )
    expect(registry.capabilities.repositoryScopedCredentials).toBe(false)
    expect(registry.capabilities.credentialTtl.honoursRequest).toBe(false)
  })

  it("unscoped credentials of a temporary base identity end with the base identity's session", async () => {
    const { name } = await createdRepository()
    const registry = await providerFor(fake, {
      pullRoleArn: undefined,
      pushRoleArn: undefined,
      allowUnscopedCredentials: true,
      ...(await baseSessionOptions(fake, 'arn:aws:iam::123456789012:role/ci-runner', 900)),
    })
    const credentials = await registry.generateCredentials(name, 'pull')
    const base = fake.assumedRoles.find((r) => r.roleSessionName === 'base')
    const token = fake.authorizationTokens.at(-1)
    expect(token?.accessKeyId).toBe(base?.accessKeyId)
    expect(token?.expiresAt.getTime()).toBeGreaterThan(fake.now() + 11 * 3600_000)
    expect(credentials.expiresAt?.getTime()).toBe(base?.expiration.getTime())
  })

  it('unscoped credentials report the end of the session that got the token, even when the SDK renews the base credentials right after', async () => {
    const { name } = await createdRepository()
    const sessionOf = async (seconds: number) => {
      const options = await baseSessionOptions(
        fake,
        'arn:aws:iam::123456789012:role/ci-runner',
        seconds,
      )
      const credentials = options.clientConfig?.credentials as {
        accessKeyId: string
        secretAccessKey: string
        sessionToken: string
        expiration: Date
      }
      return credentials
    }
    const first = await sessionOf(900)
    // 299 s before the first session ends, the SDK (which reads the wall clock, 601 s behind the
    // fake's) renews it at its next use; the renewed one is a second session of an hour.
    fake.advanceClock(601)
    const second = await sessionOf(3600)
    const skew = fake.now() - Date.now()
    const onWallClock = <T extends { expiration: Date }>(c: T): T => ({
      ...c,
      expiration: new Date(c.expiration.getTime() - skew),
    })
    fake.reset()
    // The instance role's source hands out the renewed session once ECR has issued the token.
    const source = async () => onWallClock(fake.authorizationTokens.length === 0 ? first : second)
    const registry = await providerFor(fake, {
      pullRoleArn: undefined,
      pushRoleArn: undefined,
      allowUnscopedCredentials: true,
      clientConfig: { ...fake.providerOptions(REGION).clientConfig, credentials: source },
    })
    const credentials = await registry.generateCredentials(name, 'pull')
    const signer = fake.authorizationTokens.at(-1)?.accessKeyId
    const session = [first, second].find((c) => c.accessKeyId === signer)
    expect(session).toBeDefined()
    // The token works until that session ends, and not after.
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
    const status = async (): Promise<number> => {
      const res = await fetch(`http://${credentials.registry}/v2/${name}/tags/list`, {
        headers: { authorization: `Basic ${basic}` },
      })
      await res.body?.cancel()
      return res.status
    }
    const end = session?.expiration.getTime() ?? 0
    fake.advanceClock((end - fake.now()) / 1000 - 5)
    expect(await status()).not.toBe(401)
    fake.advanceClock(5)
    expect(await status()).toBe(401)
    // expiresAt is never later than that (on the wall clock, as the caller reads it).
    expect(credentials.expiresAt?.getTime()).toBeLessThanOrEqual(end - skew)
  })

  it('unscoped credentials without a token expiry report null, never 1970', async () => {
    const { name } = await createdRepository()
    const registry = await providerFor(fake, {
      pushRoleArn: undefined,
      allowUnscopedCredentials: true,
      registryEndpoint: undefined,
    })
    const token = Buffer.from('AWS:pw').toString('base64')
    fake.inject('GetAuthorizationToken', {
      status: 200,
      body: { authorizationData: [{ authorizationToken: token, expiresAt: 0 }] },
    })
    const credentials = await registry.generateCredentials(name, 'push-pull')
    expect(credentials.expiresAt).toBeNull()
    expect(credentials.registry).toBe(`${fake.accountId}.dkr.ecr.${REGION}.amazonaws.com`)
  })
})

describe('errors', () => {
  it('NOT_FOUND for a missing repository, before any role is assumed', async () => {
    const registry = await providerFor(fake)
    await expect(registry.generateCredentials(`${PREFIX}-missing`, 'pull')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `[provider-aws] Repository "${PREFIX}-missing" not found`,
    })
    expect(fake.requestsFor('AssumeRole')).toHaveLength(0)
  })

  it('AccessDenied from STS is PERMISSION_DENIED and no secret reaches the message', async () => {
    const { name } = await createdRepository()
    const registry = await providerFor(fake)
    fake.inject('AssumeRole', 'access-denied')
    const error = await registry.generateCredentials(name, 'pull').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'PERMISSION_DENIED', retryable: false, platform: 'aws' })
    expect((error as Error).message).not.toContain('fake-secret')
  })

  it('AccessDenied on GetAuthorizationToken is PERMISSION_DENIED', async () => {
    const { name } = await createdRepository()
    const registry = await providerFor(fake)
    fake.inject('GetAuthorizationToken', 'access-denied')
    await expect(registry.generateCredentials(name, 'pull')).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    })
  })
})
