import { dockerMissing } from '@artifact-registry/test-kit'
import { dockerLoginRoundTrip } from '@artifact-registry/test-kit/live'
import type { AzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterAll, beforeAll, describe, it } from 'vitest'
import type { AzureCredentialsMode } from '../src/index.js'
import { fakeProvider, startStrictAzureFake } from './fixtures.js'

// skopeo is not the only client: docker logs in first (a token asked for with no scope, with
// its own client_id and offline_token), keeps the login and pushes through its daemon. An
// Azure credential docker could not use once passed every skopeo test, so docker itself logs in
// with what each mode mints, against the fake's registry on 127.0.0.1 (which docker reaches
// over TLS without a CA of its own, as it does every loopback registry).
describe.skipIf(dockerMissing())('docker with credentials from the Azure fake', () => {
  let fake: AzureFake
  beforeAll(async () => {
    fake = await startStrictAzureFake()
  })
  afterAll(() => fake.close())

  it.for<AzureCredentialsMode>(['aad-exchange', 'repository-token'])(
    '%s: push-pull credentials push, pull credentials pull and are refused a push',
    { timeout: 120_000 },
    async (mode) => {
      await using registry = await fakeProvider(fake, { credentials: mode })
      await dockerLoginRoundTrip(registry)
    },
  )
})
