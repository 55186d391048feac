import { MARKER_ARTIFACT_TYPE, MARKER_DIGEST } from '@artifact-registry/provider-local'
import {
  describeClientDifferential,
  describeProtocolDifferential,
} from '@artifact-registry/test-kit/differential'
import { describe } from 'vitest'
import { REGISTRY_IMAGE } from './images.js'
import { e2eRequirement } from './requirements.js'
import { CLIENT_TARGETS, PROTOCOL_TARGETS } from './targets.js'

// Throws under CI=true: there a missing engine, image or skopeo is a broken setup, not a skip.
const missing = await e2eRequirement(REGISTRY_IMAGE)
if (missing) console.warn(`e2e: skipping the registry comparison: ${missing}`)

describe.skipIf(missing)(`${REGISTRY_IMAGE} and the in-process registry`, () => {
  // The test kit's differential harness, the same one packages/registry-server runs against
  // Debian's docker-registry process: here the reference is the pinned image in a container.
  describeProtocolDifferential(PROTOCOL_TARGETS)
  describeClientDifferential(CLIENT_TARGETS, {
    marker: { artifactType: MARKER_ARTIFACT_TYPE, digest: MARKER_DIGEST },
    printReport: true,
  })
})
