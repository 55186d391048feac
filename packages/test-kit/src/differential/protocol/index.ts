import { blobScenarios } from './blob-scenarios.js'
import { listingScenarios } from './listing-scenarios.js'
import { manifestScenarios } from './manifest-scenarios.js'
import type { ProtocolScenario } from './requests.js'
import { uploadScenarios } from './upload-scenarios.js'

/**
 * The protocol scenarios: the version check, blob reads, the ways to push a blob, manifests,
 * deletes, referrers and listings, each on a fresh anonymous registry.
 */
export const PROTOCOL_SCENARIOS: readonly ProtocolScenario[] = [
  ...blobScenarios,
  ...uploadScenarios,
  ...manifestScenarios,
  ...listingScenarios,
]
