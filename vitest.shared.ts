import { defineProject, type UserWorkspaceConfig } from 'vitest/config'

const SOURCE_CONDITION = '@artifact-registry/source'

/**
 * The vitest project config every workspace uses. Workspace packages resolve to their sources
 * through the `@artifact-registry/source` export condition, so tests never run against a stale
 * build; vitest runs tests in vite's server-side environment, which reads the condition from
 * `ssr.resolve`. Package `test` scripts add a JSON report that `tools/test-summary.ts` adds up.
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
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      ...test,
    },
  })
}
