import { requireTool, startDockerRegistry } from '@artifact-registry/test-kit'
import { describeProtocolDifferential } from '@artifact-registry/test-kit/differential'
import { describe } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'

const missing = requireTool('docker-registry')

/**
 * The test kit's protocol scenarios against our server and Debian's docker-registry
 * (distribution 2.8.2): status, error codes, `Docker-Distribution-API-Version` and the headers
 * each step names must agree, except where a scenario declares a difference and its reason.
 * The e2e suite runs the same scenarios against the registry:2 image.
 */
describe.skipIf(missing)(`differential ${missing ?? ''}`.trim(), () => {
  describeProtocolDifferential(
    {
      ours: { name: 'local registry', start: () => startLocalRegistry() },
      reference: { name: 'docker-registry 2.8.2', start: () => startDockerRegistry() },
    },
    // Each scenario starts a fresh pair of registries (about 0.1 s for docker-registry).
    { timeout: 60_000 },
  )
})
