import { defineConfig, defineProject, type UserWorkspaceConfig } from 'vitest/config'
import { LIVE_TEST_FILES, SOURCE_RESOLUTION } from './vitest.shared.js'

/**
 * The opt-in live lanes: each cloud provider against a real account, never in CI
 * (docs/live-lanes.md). `npm run test:live -- --project live-aws` runs one lane.
 *
 * Unlike every project of `vitest.config.ts`, these leave out `tools/test-network-guard.ts`:
 * talking to the cloud is their point. A lane's global setup (`test/live/lane-setup.ts` in its
 * package) refuses to run in CI and fails before any test when a variable naming the account,
 * region or identities, or a client (docker, skopeo), is missing.
 */
export default defineConfig({
  test: {
    projects: [
      liveLane('live-aws', 'packages/provider-aws'),
      liveLane('live-gcp', 'packages/provider-gcp'),
      liveLane('live-azure', 'packages/provider-azure'),
    ],
  },
})

function liveLane(name: string, root: string): UserWorkspaceConfig {
  return defineProject({
    ...SOURCE_RESOLUTION,
    test: {
      name,
      root,
      include: [LIVE_TEST_FILES],
      globalSetup: ['test/live/lane-setup.ts'],
      // A lane waits for real credentials to expire (15 min for an STS session, over an hour
      // for an ACR access token): its tests set their own timeouts; this bounds the rest.
      testTimeout: 30 * 60_000,
      hookTimeout: 10 * 60_000,
      // A flaky cloud call is a finding to read, not something to hide behind a retry.
      retry: 0,
    },
  })
}
