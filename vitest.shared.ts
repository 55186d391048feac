import { fileURLToPath } from 'node:url'
import { defaultExclude, defineProject, type UserWorkspaceConfig } from 'vitest/config'

const SOURCE_CONDITION = '@artifact-registry/source'
// Refuses DNS lookups and connections that would leave 127.0.0.1, in every test process.
const NETWORK_GUARD = fileURLToPath(new URL('./tools/test-network-guard.ts', import.meta.url))

/**
 * The opt-in lanes against real clouds (`vitest.live.config.ts`, docs/live-lanes.md). No default
 * project ever collects them: they need the network the guard refuses, and a real account.
 */
export const LIVE_TEST_FILES = '**/*.live.test.ts'

/**
 * How every project, the live lanes included, resolves workspace packages: to their sources,
 * through the `@artifact-registry/source` export condition, so tests never run against a stale
 * build. Vitest runs tests in vite's server-side environment, which reads the condition from
 * `ssr.resolve`; it imports global setup files (the live lanes have some) in an environment of
 * its own, `__vitest__`, which would otherwise resolve a workspace package to its `dist`.
 */
export const SOURCE_RESOLUTION: Pick<UserWorkspaceConfig, 'resolve' | 'ssr' | 'environments'> = {
  resolve: { conditions: [SOURCE_CONDITION] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION], externalConditions: [SOURCE_CONDITION] } },
  environments: { __vitest__: { resolve: { conditions: [SOURCE_CONDITION] } } },
}

/**
 * The vitest project config every workspace uses. Tests are the `*.test.ts` files under `test/`:
 * `src` holds only what a package ships (the e2e workspace, all tests, sets its own `include`),
 * and live-lane files are never among them. Package `test` scripts add a JSON report that
 * `tools/test-summary.ts` adds up.
 * `tools/test-network-guard.ts` runs before the project's own setup files: tests only ever talk
 * to this machine.
 */
export function workspaceProject(
  name: string,
  test: NonNullable<UserWorkspaceConfig['test']> = {},
): UserWorkspaceConfig {
  return defineProject({
    ...SOURCE_RESOLUTION,
    test: {
      name,
      include: ['test/**/*.test.ts'],
      ...test,
      exclude: [...defaultExclude, ...(test.exclude ?? []), LIVE_TEST_FILES],
      setupFiles: [NETWORK_GUARD, ...[test.setupFiles ?? []].flat()],
    },
  })
}
