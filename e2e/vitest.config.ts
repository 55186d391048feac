import { workspaceProject } from '../vitest.shared.js'
import { networkMode } from './src/network-mode.js'

export default workspaceProject('e2e', {
  // The whole workspace is a test suite: its tests sit next to their support in src/.
  include: ['src/**/*.test.ts'],
  // Containers, real image copies and a credential left to expire: seconds, not milliseconds.
  testTimeout: 120_000,
  hookTimeout: 120_000,
  env: {
    // Ryuk, testcontainers' reaper, is an image to pull and a port to map: neither works on CI
    // engines (no pulls, no bridge). The suite stops its containers itself; opt back in with
    // TESTCONTAINERS_RYUK_DISABLED=false where Ryuk can run.
    TESTCONTAINERS_RYUK_DISABLED: process.env.TESTCONTAINERS_RYUK_DISABLED ?? 'true',
    // With host networking the Docker host is this machine's loopback. Left alone, testcontainers
    // running inside a container (CI) asks for the bridge network's gateway instead: absent on
    // an engine without a bridge, and an address the tests must never use anyway.
    ...(networkMode() === 'host' && {
      TESTCONTAINERS_HOST_OVERRIDE: process.env.TESTCONTAINERS_HOST_OVERRIDE ?? '127.0.0.1',
    }),
  },
})
