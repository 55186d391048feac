import { itRoundTripsDockerLogin } from '@artifact-registry/test-kit/live'
import { describe, it } from 'vitest'
import { liveGcp } from './gcp-lane.js'

describe('docker login with credentials minted on real GCP', () => {
  itRoundTripsDockerLogin(it, liveGcp)
})
