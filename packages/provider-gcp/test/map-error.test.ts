import {
  ArtifactRegistryError,
  type ErrorCode,
  isArtifactRegistryError,
} from '@artifact-registry/core'
import { type GoogleStatus, googleError, startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { UserRefreshClient } from 'google-auth-library'
import { afterAll, describe, expect, it } from 'vitest'
import type { GcpProvider } from '../src/index.js'
import { mapError } from '../src/map-error.js'
import {
  KNOWN_IDENTITIES,
  PROJECT,
  providerFor,
  provisionGarRepository,
  rejectionOf,
} from './helpers.js'

const fake = await startGcpFake(KNOWN_IDENTITIES)
afterAll(() => fake.close())

const TABLE: readonly [GoogleStatus, ErrorCode, boolean][] = [
  ['INVALID_ARGUMENT', 'INVALID_ARGUMENT', false],
  ['NOT_FOUND', 'NOT_FOUND', false],
  ['ALREADY_EXISTS', 'ALREADY_EXISTS', false],
  ['PERMISSION_DENIED', 'PERMISSION_DENIED', false],
  ['UNAUTHENTICATED', 'UNAUTHENTICATED', false],
  ['RESOURCE_EXHAUSTED', 'RATE_LIMITED', true],
  ['ABORTED', 'CONFLICT', false],
  ['FAILED_PRECONDITION', 'CONFLICT', false],
  ['UNIMPLEMENTED', 'NOT_SUPPORTED', false],
  ['INTERNAL', 'UNAVAILABLE', true],
  ['UNAVAILABLE', 'UNAVAILABLE', true],
  ['DEADLINE_EXCEEDED', 'TIMEOUT', true],
  ['DATA_LOSS', 'INTERNAL', false],
]

describe('Google errors become ArtifactRegistryError', () => {
  const { repository } = provisionGarRepository(fake)
  const name = `${PROJECT}/${repository}/app`

  for (const [status, code, retryable] of TABLE) {
    it(`${status} → ${code} from Artifact Registry (GoogleError) and IAM Credentials (GaxiosError)`, async () => {
      await using provider = await providerFor(fake, repository)
      fake.inject('getIamPolicy', googleError(status, `the ${status} message`))
      fake.inject('generateAccessToken', googleError(status, `the ${status} message`))
      for (const call of [
        () => provider.getCrossAccountAccess(name),
        () => provider.generateCredentials(name, 'pull'),
      ]) {
        const err = await rejectionOf(call())
        expect(isArtifactRegistryError(err, code), String(err)).toBe(true)
        expect(err).toMatchObject({ platform: 'gcp', retryable })
        expect((err as Error).message).toMatch(
          new RegExp(`^\\[provider-gcp\\] .*\\(${status}\\): the ${status} message$`),
        )
        // The SDK error is kept as the cause, never thrown itself.
        expect((err as Error).cause).toBeInstanceOf(Error)
        expect((err as Error).cause).not.toBeInstanceOf(ArtifactRegistryError)
      }
    })
  }

  it('an unreachable endpoint is UNAVAILABLE', async () => {
    const closed = await startGcpFake()
    await closed.close()
    await using provider = await providerFor(closed, repository)
    for (const call of [
      () => provider.getCrossAccountAccess(name),
      () => provider.generateCredentials(name, 'pull'),
    ]) {
      const err = await rejectionOf(call())
      expect(isArtifactRegistryError(err, 'UNAVAILABLE'), String(err)).toBe(true)
    }
  })
})

describe("the OAuth token endpoint's refusals of the provider's own identity", () => {
  const { repository } = provisionGarRepository(fake)
  const name = `${PROJECT}/${repository}/app`
  // RFC 6749 errors, `{"error": "<code>", "error_description"}`: a string where Google's APIs
  // put an object. A revoked refresh token (or a deleted key) is who-are-you, not a bad argument.
  const ANSWERS: readonly [string, number, string, ErrorCode, boolean][] = [
    ['invalid_grant', 400, 'Token has been expired or revoked.', 'UNAUTHENTICATED', false],
    ['invalid_client', 401, 'The OAuth client was not found.', 'UNAUTHENTICATED', false],
    ['invalid_scope', 400, 'Invalid scope.', 'UNAUTHENTICATED', false],
    ['unauthorized_client', 400, 'Client is unauthorized.', 'PERMISSION_DENIED', false],
    ['temporarily_unavailable', 503, 'Try again later.', 'UNAVAILABLE', true],
    ['temporarily_unavailable', 429, 'Rate limit exceeded.', 'RATE_LIMITED', true],
    ['server_error', 500, 'Internal error.', 'UNAVAILABLE', true],
  ]

  for (const [error, status, description, code, retryable] of ANSWERS) {
    it(`${error} (${status}) → ${code}, with its description`, async () => {
      for (const call of [
        (p: GcpProvider) => p.getCrossAccountAccess(name),
        (p: GcpProvider) => p.generateCredentials(name, 'pull'),
      ]) {
        // A new provider has no token yet: its first call asks the token endpoint.
        await using provider = await providerFor(fake, repository)
        // google-auth-library asks again after a server error: every attempt gets the answer.
        const times = retryable ? 5 : 1
        fake.inject(
          'oauthToken',
          { status, body: { error, error_description: description } },
          {
            times,
          },
        )
        const err = await rejectionOf(call(provider))
        fake.reset()
        expect(isArtifactRegistryError(err, code), String(err)).toBe(true)
        expect(err).toMatchObject({ platform: 'gcp', retryable })
        expect((err as Error).message).toContain(`(${error}): ${description}`)
      }
    })
  }

  it('a revoked refresh token is UNAUTHENTICATED', async () => {
    const { authClient } = fake.providerOptions()
    const revoked = new UserRefreshClient({
      clientId: authClient._clientId ?? '',
      clientSecret: authClient._clientSecret ?? '',
      refreshToken: 'revoked',
      endpoints: { oauth2TokenUrl: `${fake.url}/token` },
    })
    await using provider = await providerFor(fake, repository, { authClient: revoked })
    for (const call of [
      () => provider.createRepository('app'),
      () => provider.generateCredentials(name, 'pull'),
    ]) {
      const err = await rejectionOf(call())
      expect(isArtifactRegistryError(err, 'UNAUTHENTICATED'), String(err)).toBe(true)
    }
  })
})

describe('mapError', () => {
  it('passes ArtifactRegistryError through unchanged', () => {
    const original = new ArtifactRegistryError('CONFLICT', 'x', { platform: 'gcp' })
    expect(mapError(original, { operation: 'anything' })).toBe(original)
  })

  it('maps network errors, also when they are a cause', () => {
    expect(
      mapError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), { operation: 'a' }).code,
    ).toBe('UNAVAILABLE')
    const nested = new Error('fetch failed', {
      cause: Object.assign(new Error('t'), { code: 'ETIMEDOUT' }),
    })
    expect(mapError(nested, { operation: 'a' }).code).toBe('TIMEOUT')
  })

  it('maps missing Application Default Credentials to UNAUTHENTICATED', () => {
    const err = new Error('Could not load the default credentials. Browse to https://…')
    expect(mapError(err, { operation: 'a' }).code).toBe('UNAUTHENTICATED')
  })

  it('maps a bare HTTP status when no Google status is given', () => {
    expect(
      mapError({ response: { status: 429, data: 'slow down' } }, { operation: 'a' }).code,
    ).toBe('RATE_LIMITED')
    expect(mapError({ response: { status: 502 } }, { operation: 'a' }).code).toBe('UNAVAILABLE')
  })

  it('maps anything else to INTERNAL', () => {
    expect(mapError(new TypeError('boom'), { operation: 'a' }).code).toBe('INTERNAL')
    expect(mapError(undefined, { operation: 'a' }).code).toBe('INTERNAL')
  })

  it('never repeats an access token a server echoed', () => {
    const err = mapError(new Error('bad token ya29.a0AfH6SMBx-secret.part and Bearer abc.def'), {
      operation: 'a',
    })
    expect(err.message).not.toMatch(/secret|abc\.def/)
  })
})
