import { randomBytes } from 'node:crypto'
import type { ArtifactRegistry } from '@artifact-registry/core'
import { startLocalRegistry, startTokenService } from '@artifact-registry/registry-server'
import {
  closeAll,
  createTestPki,
  dockerMissing,
  requireTool,
  startDockerRegistry,
} from '@artifact-registry/test-kit'
import { dockerLoginRoundTrip } from '@artifact-registry/test-kit/live'
import { describe, it } from 'vitest'
import { local } from '../../src/index.js'

const TIMEOUT = 120_000

/** A fresh admin for a registry started by the test. */
function newAdmin(): { username: string; password: string } {
  return { username: 'admin', password: randomBytes(16).toString('hex') }
}

/** The round trip on the provider `open` gives, closed again afterwards. */
async function roundTrip(open: () => Promise<ArtifactRegistry>): Promise<void> {
  await using registry = await open()
  await dockerLoginRoundTrip(registry)
}

// skopeo is not the only client: docker logs in first (GET /v2/ with Basic, then a token asked
// for with no scope), keeps the login, and pushes and pulls through its daemon. Each way the
// local provider reaches a registry is driven with real docker on 127.0.0.1.
describe.skipIf(dockerMissing())('docker with credentials from the local provider', () => {
  it('embedded registry', () => roundTrip(() => local({ bindingName: 'docker' })), TIMEOUT)

  it(
    'embedded registry over HTTPS',
    async () => {
      const pki = await createTestPki()
      // docker reaches a loopback registry over TLS without verifying it: the provider still does.
      const tls = { cert: pki.certPem, key: pki.keyPem }
      await roundTrip(() => local({ bindingName: 'docker-tls', tls, caCertificate: pki.caPem }))
    },
    TIMEOUT,
  )

  it(
    'our registry by URL',
    async () => {
      const admin = newAdmin()
      const registry = await startLocalRegistry({ adminCredentials: admin })
      try {
        await roundTrip(() =>
          local({ url: registry.url, bindingName: 'docker-url', adminCredentials: admin }),
        )
      } finally {
        await registry.close()
      }
    },
    TIMEOUT,
  )

  it.skipIf(requireTool('docker-registry'))(
    'registry:2 behind the token service',
    async () => {
      const admin = newAdmin()
      const tokens = await startTokenService({ admin })
      const registry2 = await startDockerRegistry({ auth: { token: tokens } })
      try {
        await roundTrip(() =>
          local({ url: registry2.url, bindingName: 'docker-r2', adminCredentials: admin }),
        )
      } finally {
        await closeAll(registry2, tokens)
      }
    },
    TIMEOUT,
  )
})
