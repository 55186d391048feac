import {
  describeRange,
  dockerPullAcrossExpiry,
  lifetimeMismatch,
  observedLifetime,
  timed,
} from '@artifact-registry/test-kit/live'
import { uniqueName } from '@artifact-registry/testing'
import { describe, it } from 'vitest'
import { AZURE_TEST_TIMEOUT_MS, azureMaxExpiryWaitMs, liveAzure } from './azure-lane.js'

// The lifetimes docs/platforms/azure.md#token-exchange and the provider's TTL rules rely on,
// measured on the real service. The cloud's clock may differ from this machine's by this much.
const SKEW_SECONDS = 60
// Microsoft's published example of an ACR access token lives 75 minutes; the docs and the Azure
// fake assume it. ACR may change it: the test records what it saw either way.
const ASSUMED_ACCESS_TOKEN_SECONDS = 75 * 60
const ACCESS_TOKEN_TOLERANCE_SECONDS = 5 * 60

describe('credential lifetimes on real Azure (aad-exchange)', () => {
  it('an ACR access token lives about 75 minutes, whatever TTL is asked, and expiresAt is its exp', async ({
    expect,
    annotate,
  }) => {
    await using registry = await liveAzure('aad-exchange')
    const { name } = await registry.createRepository(uniqueName('lifetime'))
    try {
      // A request shorter than the token cannot shorten it.
      const call = await timed(() => registry.generateCredentials(name, 'pull', { ttlSeconds: 60 }))
      const { expiresAt, password } = call.value
      expect(expiresAt).toBeInstanceOf(Date)
      const { shortestSeconds, longestSeconds } = observedLifetime(expiresAt as Date, call)
      await annotate(
        `ACR access token lifetime: ${describeRange(shortestSeconds, longestSeconds)}`,
        'lifetime',
      )
      expect(jwtExpiry(password)).toEqual(expiresAt)
      expect(
        lifetimeMismatch(
          expiresAt as Date,
          call,
          ASSUMED_ACCESS_TOKEN_SECONDS,
          ACCESS_TOKEN_TOLERANCE_SECONDS,
        ),
      ).toBeUndefined()
    } finally {
      await registry.deleteRepository(name)
    }
  })
})

describe('credential lifetimes on real Azure (repository-token)', () => {
  it('a token password expires exactly when asked', async ({ expect }) => {
    await using registry = await liveAzure('repository-token')
    const { name } = await registry.createRepository(uniqueName('lifetime'))
    try {
      for (const ttlSeconds of [600, 7 * 24 * 3600]) {
        const call = await timed(() => registry.generateCredentials(name, 'pull', { ttlSeconds }))
        const { expiresAt } = call.value
        expect(expiresAt).toBeInstanceOf(Date)
        // ARM stores the expiry the provider sends, computed from this machine's clock: only
        // the rounding to whole seconds may differ.
        expect(lifetimeMismatch(expiresAt as Date, call, ttlSeconds, 1)).toBeUndefined()
      }
    } finally {
      await registry.deleteRepository(name)
    }
  })

  it(
    'a pull works until the password expires and is refused after it',
    async ({ expect }) => {
      await using registry = await liveAzure('repository-token')
      const pull = await dockerPullAcrossExpiry(registry, {
        ttlSeconds: 300,
        marginMs: SKEW_SECONDS * 1000,
        maxWaitMs: azureMaxExpiryWaitMs('repository-token'),
      })
      expect(pull.expiresAt).toBeInstanceOf(Date)
    },
    AZURE_TEST_TIMEOUT_MS['repository-token'],
  )
})

/** The `exp` claim of a JWT, read without checking its signature (ACR checks it). */
function jwtExpiry(token: string): Date | undefined {
  const payload = token.split('.')[1]
  if (payload === undefined) return undefined
  const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    exp?: unknown
  }
  return typeof exp === 'number' ? new Date(exp * 1000) : undefined
}
