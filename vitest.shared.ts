import { fileURLToPath } from 'node:url'
import { defineProject, type UserWorkspaceConfig } from 'vitest/config'

const SOURCE_CONDITION = '@artifact-registry/source'
// Refuses DNS lookups and connections that would leave 127.0.0.1, in every test process.
const NETWORK_GUARD = fileURLToPath(new URL('./tools/test-network-guard.ts', import.meta.url))

/**
 * The vitest project config every workspace uses. Workspace packages resolve to their sources
 * through the `@artifact-registry/source` export condition, so tests never run against a stale
 * build; vitest runs tests in vite's server-side environment, which reads the condition from
 * `ssr.resolve`. Tests are the `*.test.ts` files under `test/`: `src` holds only what a package
 * ships (the e2e workspace, all tests, sets its own `include`). Package `test` scripts add a
 * JSON report that `tools/test-summary.ts` adds up.
 * `tools/test-network-guard.ts` runs before the project's own setup files: tests only ever talk
 * to this machine.
 */
export function workspaceProject(
  name: string,
  test: NonNullable<UserWorkspaceConfig['test']> = {},
): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions: [SOURCE_CONDITION] },
    ssr: { resolve: { conditions: [SOURCE_CONDITION], externalConditions: [SOURCE_CONDITION] } },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      ...test,
      setupFiles: [NETWORK_GUARD, ...[test.setupFiles ?? []].flat()],
    },
  })
}
