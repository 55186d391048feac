import { EXPIRY_MARGIN_MS, waitUntilExpired } from '@artifact-registry/test-kit/live'
import { artifactRegistryContractSuite } from '@artifact-registry/testing'
import { describe, it } from 'vitest'
import {
  AZURE_MODES,
  AZURE_TEST_TIMEOUT_MS,
  azureMaxExpiryWaitMs,
  liveAzure,
} from './azure-lane.js'

for (const mode of AZURE_MODES) {
  describe(`provider-azure (${mode}) against real Azure`, () => {
    artifactRegistryContractSuite({
      test: { describe, it },
      factory: () => liveAzure(mode),
      timeoutMs: AZURE_TEST_TIMEOUT_MS[mode],
      dataPlane: {
        // expire waits this long past the expiresAt it is given, for the cloud's clock.
        expireOvershootMs: EXPIRY_MARGIN_MS,
        expire: (credentials) =>
          waitUntilExpired(credentials, { maxWaitMs: azureMaxExpiryWaitMs(mode) }),
      },
    })
  })
}
