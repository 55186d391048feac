import { EXPIRY_MARGIN_MS, waitUntilExpired } from '@artifact-registry/test-kit/live'
import { artifactRegistryContractSuite } from '@artifact-registry/testing'
import { describe, it } from 'vitest'
import { GCP_MAX_EXPIRY_WAIT_MS, GCP_TEST_TIMEOUT_MS, liveGcp } from './gcp-lane.js'

describe('provider-gcp against real GCP', () => {
  artifactRegistryContractSuite({
    test: { describe, it },
    factory: liveGcp,
    timeoutMs: GCP_TEST_TIMEOUT_MS,
    // The suite's sample grants name projects and service accounts that do not exist, and IAM
    // refuses a policy naming an unknown member: cross-account.live.test.ts round-trips grants of
    // the lane's own service accounts instead.
    exclude: ['crossAccount'],
    dataPlane: {
      // expire waits this long past the expiresAt it is given, for the cloud's clock.
      expireOvershootMs: EXPIRY_MARGIN_MS,
      expire: (credentials) => waitUntilExpired(credentials, { maxWaitMs: GCP_MAX_EXPIRY_WAIT_MS }),
    },
  })
})
