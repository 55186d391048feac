import { dockerLoginRoundTrip } from '@artifact-registry/test-kit/live'
import { describe, it } from 'vitest'
import { liveAws } from './aws-lane.js'

describe('docker login with credentials minted on real AWS', () => {
  it(
    'push-pull credentials push, pull credentials pull and are refused a push',
    async () => {
      await using registry = await liveAws()
      await dockerLoginRoundTrip(registry)
    },
    10 * 60_000,
  )
})
