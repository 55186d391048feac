import {
  dockerPullAcrossExpiry,
  lifetimeMismatch,
  pullLifetimeMismatches,
  timed,
} from '@artifact-registry/test-kit/live'
import { uniqueName } from '@artifact-registry/testing'
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr'
import { describe, it } from 'vitest'
import {
  AWS_MAX_EXPIRY_WAIT_MS,
  AWS_TEST_TIMEOUT_MS,
  awsLaneEnvironment,
  liveAws,
} from './aws-lane.js'

// The lifetimes docs/platforms/aws.md#credential-lifetimes and the provider's expiresAt rely on,
// measured on the real service. The cloud's clock may differ from this machine's by this much.
const SKEW_SECONDS = 60
const ECR_TOKEN_SECONDS = 12 * 3600
const SHORTEST_SESSION_SECONDS = 900

describe('credential lifetimes on real AWS', () => {
  it('an ECR authorization token lasts 12 h', async ({ expect }) => {
    const ecr = new ECRClient({ region: awsLaneEnvironment().AWS_REGION })
    try {
      const call = await timed(() => ecr.send(new GetAuthorizationTokenCommand({})))
      const expiresAt = call.value.authorizationData?.[0]?.expiresAt
      expect(expiresAt).toBeInstanceOf(Date)
      expect(
        lifetimeMismatch(expiresAt as Date, call, ECR_TOKEN_SECONDS, SKEW_SECONDS),
      ).toBeUndefined()
    } finally {
      ecr.destroy()
    }
  })

  it('expiresAt is the session’s expiry when the session ends before the token', async ({
    expect,
  }) => {
    await using registry = await liveAws()
    const name = uniqueName('lifetime')
    const ttls = [SHORTEST_SESSION_SECONDS, 3600]
    expect(await pullLifetimeMismatches(registry, name, ttls, SKEW_SECONDS)).toEqual([])
  })

  it(
    'a pull works until the session ends and is refused after it, with the 12 h token',
    async ({ expect }) => {
      await using registry = await liveAws()
      const pull = await dockerPullAcrossExpiry(registry, {
        ttlSeconds: SHORTEST_SESSION_SECONDS,
        marginMs: SKEW_SECONDS * 1000,
        maxWaitMs: AWS_MAX_EXPIRY_WAIT_MS,
      })
      expect(pull.expiresAt).toBeInstanceOf(Date)
    },
    AWS_TEST_TIMEOUT_MS,
  )
})
