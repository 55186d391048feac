import { dockerLoginRoundTrip } from '@artifact-registry/test-kit/live'
import { describe, it } from 'vitest'
import { liveGcp } from './gcp-lane.js'

describe('docker login with credentials minted on real GCP', () => {
  it(
    'push-pull credentials push, pull credentials pull and are refused a push',
    async () => {
      await using registry = await liveGcp()
      await dockerLoginRoundTrip(registry)
    },
    10 * 60_000,
  )
})
