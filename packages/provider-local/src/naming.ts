import { assertUsableName, isValidPlatformName, toPlatformName } from '@artifact-registry/core'
import { platformError } from './map-error.js'
import { PLATFORM } from './platform.js'

/** The longest OCI repository name the registry and its clients accept. */
export const MAX_REPOSITORY_LENGTH = 255

/**
 * The routable name of a logical name: `{bindingName}/{name}`, the name mapped by the core naming
 * module (`oci` rule) within what the binding name leaves of the budget.
 *
 * @param budget - the longest routable name (`routableNameBudget` of the registry's host).
 * @throws ArtifactRegistryError `INVALID_NAME` for names no platform accepts.
 */
export function routableName(bindingName: string, logicalName: string, budget: number): string {
  assertUsableName(logicalName, PLATFORM)
  const maxLength = budget - bindingName.length - 1
  return `${bindingName}/${toPlatformName('oci', logicalName, { maxLength, platform: PLATFORM })}`
}

/**
 * Check a routable name passed back to the provider: a usable name inside this binding's
 * namespace. Another binding's repositories are not this provider's to see or touch.
 *
 * @throws ArtifactRegistryError `INVALID_NAME` for unusable names and names that are no OCI
 *   repository name (which the registry would only answer 400); `INVALID_ARGUMENT` for names
 *   outside `{bindingName}/`.
 */
export function checkRoutableName(bindingName: string, name: string): string {
  assertUsableName(name, PLATFORM)
  if (!isValidPlatformName('oci', name, { maxLength: MAX_REPOSITORY_LENGTH })) {
    throw platformError(
      'INVALID_NAME',
      `"${name}" is not an OCI repository name (lowercase letters and digits, joined by single separators, ${MAX_REPOSITORY_LENGTH} characters at most); pass the name createRepository returned`,
    )
  }
  const prefix = `${bindingName}/`
  if (!name.startsWith(prefix) || name.length === prefix.length) {
    throw platformError(
      'INVALID_ARGUMENT',
      `"${name}" is not in the namespace "${prefix}" of this binding; pass the name createRepository returned`,
    )
  }
  return name
}
