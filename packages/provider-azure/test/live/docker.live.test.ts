import { dockerLoginRoundTrip } from '@artifact-registry/test-kit/live'
import { describe, it } from 'vitest'
import { AZURE_MODES, liveAzure } from './azure-lane.js'

describe.each(AZURE_MODES)('docker login with credentials minted on real Azure (%s)', (mode) => {
  it(
    'push-pull credentials push, pull credentials pull and are refused a push',
    async () => {
      await using registry = await liveAzure(mode)
      await dockerLoginRoundTrip(registry)
    },
    10 * 60_000,
  )
})
