import { assertUsableName, isValidPlatformName, toPlatformName } from '@artifact-registry/core'
import { platformError } from './map-error.js'
import { PLATFORM } from './platform.js'

/**
 * The routable name of a logical name: `{name}` or `{prefix}/{name}`, where `{name}` follows
 * ACR's repository rules (lowercase OCI grammar) and is adapted with a stable hash otherwise.
 *
 * @param budget - the longest routable name (`routableNameBudget` of the login server).
 * @throws ArtifactRegistryError `INVALID_NAME` for names no platform accepts.
 */
export function routableName(logical: string, prefix: string | undefined, budget: number): string {
  assertUsableName(logical, PLATFORM)
  if (prefix === undefined) {
    return toPlatformName('acr', logical, { maxLength: budget, platform: PLATFORM })
  }
  const maxLength = budget - prefix.length - 1
  return `${prefix}/${toPlatformName('acr', logical, { maxLength, platform: PLATFORM })}`
}

/**
 * Whether `name`, read from the registry, is one of this binding's repositories: a valid ACR name
 * under the prefix (any, without one). What is not is never changed by this provider.
 */
export function isInNamespace(name: string, prefix: string | undefined): boolean {
  return isValidPlatformName('acr', name) && (prefix === undefined || name.startsWith(`${prefix}/`))
}

/**
 * Check a routable name handed back by a caller.
 *
 * @throws ArtifactRegistryError `INVALID_NAME` when it is not an ACR repository name;
 *   `INVALID_ARGUMENT` when it lies outside this binding's prefix: it cannot be one of our
 *   repositories, so no method touches it.
 */
export function checkRoutableName(name: string, prefix: string | undefined): string {
  assertUsableName(name, PLATFORM)
  if (!isValidPlatformName('acr', name)) {
    throw platformError(
      'INVALID_NAME',
      `"${name}" is not an ACR repository name; pass the name createRepository returned`,
    )
  }
  if (prefix !== undefined && !name.startsWith(`${prefix}/`)) {
    throw platformError(
      'INVALID_ARGUMENT',
      `"${name}" is outside the prefix "${prefix}" of this registry binding; pass the name createRepository returned`,
    )
  }
  return name
}
