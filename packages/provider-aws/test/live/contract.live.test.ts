import { EXPIRY_MARGIN_MS, waitUntilExpired } from '@artifact-registry/test-kit/live'
import { artifactRegistryContractSuite } from '@artifact-registry/testing'
import { describe, it } from 'vitest'
import { AWS_MAX_EXPIRY_WAIT_MS, AWS_TEST_TIMEOUT_MS, liveAws } from './aws-lane.js'

describe('provider-aws against real AWS', () => {
  artifactRegistryContractSuite({
    test: { describe, it },
    factory: liveAws,
    timeoutMs: AWS_TEST_TIMEOUT_MS,
    // The suite's sample grants name accounts and roles that do not exist, and ECR refuses a
    // policy naming a principal it cannot find (docs/platforms/aws.md#principals-must-exist).
    // cross-account.live.test.ts round-trips grants of real principals instead.
    exclude: ['crossAccount'],
    dataPlane: {
      // expire waits this long past the expiresAt it is given, for the cloud's clock.
      expireOvershootMs: EXPIRY_MARGIN_MS,
      expire: (credentials) => waitUntilExpired(credentials, { maxWaitMs: AWS_MAX_EXPIRY_WAIT_MS }),
    },
  })
})
