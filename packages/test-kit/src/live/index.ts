// The opt-in live lanes' support (vitest.live.config.ts, docs/live-lanes.md): plain Node, like
// the main entry. Nothing here runs in the default test run.
export { pullLifetimeMismatches } from './credential-lifetimes.js'
export { type DockerClient, dockerClient } from './docker-client.js'
export {
  dockerLoginRoundTrip,
  dockerPullAcrossExpiry,
  type PullAcrossExpiryOptions,
} from './docker-scenarios.js'
export { itRoundTripsDockerLogin } from './docker-test.js'
export {
  EXPIRY_MARGIN_MS,
  type ExpiryWaitOptions,
  expiryOf,
  waitUntil,
  waitUntilExpired,
} from './expiry.js'
export { checkLane, type LiveLane, LiveLaneError, laneEnvironment, refuseInCi } from './lane.js'
export {
  type CallTiming,
  describeRange,
  lifetimeMismatch,
  observedLifetime,
  timed,
} from './lifetime.js'
