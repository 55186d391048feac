import { defineProject, type UserWorkspaceConfig } from 'vitest/config'

/**
 * The vitest project config every workspace uses: sources resolved through the
 * `@artifact-registry/source` condition. Package `test` scripts add a JSON report that
 * `tools/test-summary.ts` adds up.
 */
export function workspaceProject(
  name: string,
  test: NonNullable<UserWorkspaceConfig['test']> = {},
): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions: ['@artifact-registry/source'] },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      ...test,
    },
  })
}
