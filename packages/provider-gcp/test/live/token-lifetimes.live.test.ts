import { isArtifactRegistryError } from '@artifact-registry/core'
import { dockerPullAcrossExpiry, pullLifetimeMismatches } from '@artifact-registry/test-kit/live'
import { uniqueName } from '@artifact-registry/testing'
import { GoogleAuth } from 'google-auth-library'
import { describe, it } from 'vitest'
import { CLOUD_PLATFORM_SCOPE, impersonate, READ_ONLY_SCOPE } from '../../src/impersonation.js'
import { DEFAULT_IAM_CREDENTIALS_ENDPOINT } from '../../src/options.js'
import {
  GCP_MAX_EXPIRY_WAIT_MS,
  GCP_TEST_TIMEOUT_MS,
  gcpLaneEnvironment,
  liveGcp,
} from './gcp-lane.js'

// The lifetimes docs/platforms/gcp.md#impersonated-credentials and the provider's TTL rule rely
// on, measured on the real service. The cloud's clock may differ from this machine's by this much.
const SKEW_SECONDS = 60
const LONGEST_TOKEN_SECONDS = 3600

describe('credential lifetimes on real GCP', () => {
  it('an impersonated access token lives as long as asked, up to 3600 s', async ({ expect }) => {
    await using registry = await liveGcp()
    const name = uniqueName('lifetime')
    const ttls = [300, LONGEST_TOKEN_SECONDS]
    expect(await pullLifetimeMismatches(registry, name, ttls, SKEW_SECONDS)).toEqual([])
  })

  it('IAM Credentials refuses a token longer than 3600 s', async ({ expect }) => {
    const source = await new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] }).getClient()
    const refusal = await impersonate({
      source,
      endpoint: DEFAULT_IAM_CREDENTIALS_ENDPOINT,
      serviceAccount: gcpLaneEnvironment().ARTIFACT_REGISTRY_LIVE_GCP_PULL_SERVICE_ACCOUNT,
      scope: READ_ONLY_SCOPE,
      lifetimeSeconds: LONGEST_TOKEN_SECONDS + 1,
    }).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(isArtifactRegistryError(refusal) && refusal.code).toBe('INVALID_ARGUMENT')
  })

  it(
    'a pull works until the access token expires and is refused after it',
    async ({ expect }) => {
      await using registry = await liveGcp()
      const pull = await dockerPullAcrossExpiry(registry, {
        ttlSeconds: 300,
        marginMs: SKEW_SECONDS * 1000,
        maxWaitMs: GCP_MAX_EXPIRY_WAIT_MS,
      })
      expect(pull.expiresAt).toBeInstanceOf(Date)
    },
    GCP_TEST_TIMEOUT_MS,
  )
})
