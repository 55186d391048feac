import { dockerMissing } from '@artifact-registry/test-kit'
import { dockerLoginRoundTrip } from '@artifact-registry/test-kit/live'
import { describe, it } from 'vitest'
import { KNOWN_IDENTITIES } from './helpers.js'
import { perTestFakes } from './per-test-fakes.js'

// skopeo is not the only client: docker logs in first and pushes through its daemon. The
// `oauth2accesstoken:<token>` Basic credentials go through a real `docker login`, push and pull
// against the fake's registry on 127.0.0.1, which checks the token's identity and scopes.
describe.skipIf(dockerMissing())('docker with credentials from the GCP fake', () => {
  const { factory, teardown } = perTestFakes(KNOWN_IDENTITIES)

  it('push-pull credentials push, pull credentials pull and are refused a push', async () => {
    const registry = await factory()
    try {
      await dockerLoginRoundTrip(registry)
    } finally {
      await teardown(registry)
    }
  }, 120_000)
})
