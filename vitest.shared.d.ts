import { type UserWorkspaceConfig } from 'vitest/config'
/**
 * The vitest project config every workspace uses: sources resolved through the
 * `@artifact-registry/source` condition, and a JSON report that `tools/test-summary.ts` adds up.
 */
export declare function workspaceProject(
  name: string,
  test?: NonNullable<UserWorkspaceConfig['test']>,
): UserWorkspaceConfig
//# sourceMappingURL=vitest.shared.d.ts.map
