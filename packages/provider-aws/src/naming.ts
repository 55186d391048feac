import { assertUsableName, isValidPlatformName, toPlatformName } from '@artifact-registry/core'
import { platformError } from './map-error.js'
import { PLATFORM } from './platform.js'

/** ECR's longest repository name. */
export const MAX_ECR_NAME = 256

/**
 * The routable name of a logical name: `{prefix}-{name}`, with the name mapped by the core naming
 * module (kept as given when valid for ECR, otherwise adapted with a stable hash suffix) within
 * what the prefix leaves of the budget for the whole routable name.
 *
 * @param budget - the longest routable name: ECR's 256, or less where the registry host leaves
 *   Docker's image-name limit less (see `imageNameBudget`).
 * @throws ArtifactRegistryError `INVALID_NAME` for names no platform accepts.
 */
export function routableName(prefix: string, logicalName: string, budget: number): string {
  assertUsableName(logicalName, PLATFORM)
  const maxLength = budget - prefix.length - 1
  return `${prefix}-${toPlatformName('ecr', logicalName, { maxLength, platform: PLATFORM })}`
}

/**
 * Check a routable name passed back to the provider: a usable ECR name under this prefix. Names
 * outside the prefix are refused, so no method ever touches a repository it does not manage.
 *
 * @throws ArtifactRegistryError `INVALID_NAME` or `INVALID_ARGUMENT`.
 */
export function checkRoutableName(prefix: string, name: string): string {
  assertUsableName(name, PLATFORM)
  if (!isValidPlatformName('ecr', name)) {
    throw platformError('INVALID_NAME', `"${name}" is not a valid ECR repository name`)
  }
  if (!name.startsWith(`${prefix}-`)) {
    throw platformError(
      'INVALID_ARGUMENT',
      `"${name}" is not a routable name of this provider (it does not start with "${prefix}-"); pass the name createRepository returned`,
    )
  }
  return name
}
