import { itRoundTripsDockerLogin } from '@artifact-registry/test-kit/live'
import { describe, it } from 'vitest'
import { liveAws } from './aws-lane.js'

describe('docker login with credentials minted on real AWS', () => {
  itRoundTripsDockerLogin(it, liveAws)
})
