import { isArtifactRegistryError } from '@artifact-registry/core'
import { googleError } from '@artifact-registry/testing/fakes/gcp'
import { describe, expect, it } from 'vitest'
import {
  bodyOf,
  PROJECT,
  PULL_SA,
  PUSH_SA,
  providerFor,
  provisionGarRepository,
  rejectionOf,
  useGcpFake,
} from './helpers.js'

const fake = await useGcpFake()

const { repository } = provisionGarRepository(fake)
const name = `${PROJECT}/${repository}/my-app`

describe('generateCredentials', () => {
  it('caps 7200 s at 3600 s and takes expiresAt from expireTime', async () => {
    await using provider = await providerFor(fake, repository)
    const credentials = await provider.generateCredentials(name, 'pull', { ttlSeconds: 7200 })
    const [request] = fake.requestsFor('generateAccessToken')
    expect(bodyOf(request ?? { body: '{}' }).lifetime).toBe('3600s')
    const [token] = fake.tokens
    expect(token?.lifetimeSeconds).toBe(3600)
    expect(credentials.expiresAt?.toISOString()).toBe(
      new Date(token?.expireTime ?? 0).toISOString(),
    )
  })

  it('asks for the requested lifetime, and 3600 s by default', async () => {
    await using provider = await providerFor(fake, repository)
    await provider.generateCredentials(name, 'pull', { ttlSeconds: 600 })
    await provider.generateCredentials(name, 'pull')
    expect(fake.tokens.map((t) => t.lifetimeSeconds)).toEqual([600, 3600])
  })

  it('never guesses expiresAt: it is whatever expireTime says', async () => {
    await using provider = await providerFor(fake, repository)
    const expireTime = '2031-02-03T04:05:06.789Z'
    fake.inject('generateAccessToken', {
      status: 200,
      body: { accessToken: 'ya29.injected', expireTime },
    })
    const credentials = await provider.generateCredentials(name, 'pull', { ttlSeconds: 60 })
    expect(credentials.expiresAt?.toISOString()).toBe(expireTime)
  })

  it('refuses TTLs that are not positive integers, before any request', async () => {
    await using provider = await providerFor(fake, repository)
    for (const ttlSeconds of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const err = await rejectionOf(provider.generateCredentials(name, 'pull', { ttlSeconds }))
      expect(isArtifactRegistryError(err, 'INVALID_ARGUMENT'), String(ttlSeconds)).toBe(true)
    }
    expect(fake.requests).toHaveLength(0)
  })

  it('impersonates the pull account for pull and the push account for push-pull', async () => {
    await using provider = await providerFor(fake, repository)
    const pull = await provider.generateCredentials(name, 'pull')
    const push = await provider.generateCredentials(name, 'push-pull')
    expect(fake.tokens.map((t) => t.serviceAccount)).toEqual([PULL_SA, PUSH_SA])
    expect(pull.password).toBe(fake.tokens[0]?.accessToken)
    expect(push.password).toBe(fake.tokens[1]?.accessToken)
    for (const credentials of [pull, push]) {
      expect(credentials).toMatchObject({
        authMethod: 'basic',
        registry: fake.dataPlane.registry,
        username: 'oauth2accesstoken',
      })
    }
  })

  it('asks for one scope: read-only for pull, cloud-platform for push-pull; as the caller', async () => {
    await using provider = await providerFor(fake, repository)
    await provider.generateCredentials(name, 'pull')
    await provider.generateCredentials(name, 'push-pull')
    expect(fake.tokens.map((t) => t.scope)).toEqual([
      ['https://www.googleapis.com/auth/cloud-platform.read-only'],
      ['https://www.googleapis.com/auth/cloud-platform'],
    ])
    expect(fake.tokens[0]?.delegates).toEqual([])
    // Signed with the caller's own token, which the fake's token endpoint issued.
    expect(fake.callerTokens).toHaveLength(1)
    expect(fake.requestsFor('generateAccessToken')[0]?.headers.authorization).toBe(
      `Bearer ${fake.callerTokens[0]}`,
    )
  })

  it('needs the service account of the permission: INVALID_CONFIG naming it', async () => {
    await using provider = await providerFor(fake, repository, { pushServiceAccount: undefined })
    const err = await rejectionOf(provider.generateCredentials(name, 'push-pull'))
    expect(isArtifactRegistryError(err, 'INVALID_CONFIG')).toBe(true)
    expect((err as { issues: unknown }).issues).toEqual([
      { path: 'pushServiceAccount', message: 'is required for push-pull credentials' },
    ])
    expect(fake.requests).toHaveLength(0)
  })

  it('reports a bad argument before a missing service account', async () => {
    await using provider = await providerFor(fake, repository, { pushServiceAccount: undefined })
    const err = await rejectionOf(
      provider.generateCredentials(name, 'push-pull', { ttlSeconds: 0 }),
    )
    expect(isArtifactRegistryError(err, 'INVALID_ARGUMENT')).toBe(true)
  })

  it('maps a refused impersonation to PERMISSION_DENIED without leaking tokens', async () => {
    await using provider = await providerFor(fake, repository)
    fake.inject(
      'generateAccessToken',
      googleError('PERMISSION_DENIED', `Permission 'iam.serviceAccounts.getAccessToken' denied`),
    )
    const err = await rejectionOf(provider.generateCredentials(name, 'pull'))
    expect(isArtifactRegistryError(err, 'PERMISSION_DENIED')).toBe(true)
    expect(err).toMatchObject({ platform: 'gcp', retryable: false })
    expect((err as Error).message).toMatch(
      /^\[provider-gcp\] generateAccessToken failed for puller@/,
    )
    for (const token of fake.callerTokens) expect((err as Error).message).not.toContain(token)
    expect(fake.callerTokens).not.toHaveLength(0)
  })

  it('treats an answer without expireTime as INTERNAL and does not quote the token', async () => {
    await using provider = await providerFor(fake, repository)
    fake.inject('generateAccessToken', { status: 200, body: { accessToken: 'ya29.secret' } })
    const err = await rejectionOf(provider.generateCredentials(name, 'pull'))
    expect(isArtifactRegistryError(err, 'INTERNAL')).toBe(true)
    expect((err as Error).message).not.toContain('ya29.secret')
  })
})
