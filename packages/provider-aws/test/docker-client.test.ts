import { dockerMissing } from '@artifact-registry/test-kit'
import { dockerLoginRoundTrip } from '@artifact-registry/test-kit/live'
import { type AwsFake, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { providerFor } from './helpers.js'

// skopeo is not the only client: docker logs in first and pushes through its daemon. The
// `AWS:<token>` Basic credentials of both roles go through a real `docker login`, push and pull
// against the fake's registry on 127.0.0.1, which checks them by the role session behind them.
describe.skipIf(dockerMissing())('docker with credentials from the AWS fake', () => {
  let fake: AwsFake
  beforeAll(async () => {
    fake = await startAwsFake()
  })
  afterAll(() => fake.close())

  it('push-pull credentials push, pull credentials pull and are refused a push', async () => {
    await using registry = await providerFor(fake)
    await dockerLoginRoundTrip(registry)
  }, 120_000)
})
