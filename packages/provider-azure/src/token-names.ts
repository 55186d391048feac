import { type Permission, toPlatformName } from '@artifact-registry/core'
import { PLATFORM } from './platform.js'

/**
 * What ends the name of a repository's token (and of its pull scope map) for each permission.
 * A repository's own scope-map name never holds `--` (single hyphens only, core's
 * `acr-scope-map` rule), so these names cannot be a repository's scope-map name.
 */
const SUFFIXES: Readonly<Record<Permission, string>> = { pull: '--pull', 'push-pull': '--push' }

/** ACR's longest token and scope-map name. */
const MAX_NAME_LENGTH = 50

/**
 * The ACR token of a repository for one permission: `{stem}--pull` or `{stem}--push`, where
 * `{stem}` is the repository's name when it meets ACR's naming rules in 44 characters (letters,
 * digits and single hyphens, starting with a letter), and an adapted name with a stable hash
 * suffix otherwise (`team-a/web-app` → `team-a-web-app-x…--push`). ACR token names are 5-50
 * letters, digits and hyphens.
 */
export function tokenName(repository: string, permission: Permission): string {
  return `${stem(repository)}${SUFFIXES[permission]}`
}

/**
 * The scope map pull tokens of a repository are bound to (`content/read`, `metadata/read`):
 * `{stem}--pull`. Push-pull tokens use the repository's own scope map.
 */
export function pullScopeMapName(repository: string): string {
  return `${stem(repository)}${SUFFIXES.pull}`
}

// --- Internal ---

function stem(repository: string): string {
  const maxLength = MAX_NAME_LENGTH - Math.max(...Object.values(SUFFIXES).map((s) => s.length))
  return toPlatformName('acr-scope-map', repository, { maxLength, platform: PLATFORM })
}
