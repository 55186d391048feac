import {
  assertUsableName,
  imageNameBudget,
  isValidPlatformName,
  MAX_IMAGE_NAME_LENGTH,
  toPlatformName,
} from '@artifact-registry/core'
import { platformError } from './map-error.js'
import { PLATFORM } from './platform.js'

/** The GAR repository that holds this provider's image paths. */
export interface GarRepositoryRef {
  readonly projectId: string
  readonly location: string
  readonly repository: string
}

/** `projects/{project}/locations/{location}/repositories/{repository}`: the IAM resource too. */
export function garResourceName(ref: GarRepositoryRef): string {
  return `projects/${ref.projectId}/locations/${ref.location}/repositories/${ref.repository}`
}

/** The Docker host of the location, e.g. `us-central1-docker.pkg.dev`. */
export function dockerHost(ref: GarRepositoryRef): string {
  return `${ref.location}-docker.pkg.dev`
}

/**
 * The routable name of a logical name: `{project}/{garRepo}/{imagePath}`, the image path mapped
 * by the core naming module (`gar` rule) within what is left of the 255-character budget.
 */
export function routableName(ref: GarRepositoryRef, logicalName: string): string {
  assertUsableName(logicalName, PLATFORM)
  const prefix = `${ref.projectId}/${ref.repository}/`
  // Docker's reference grammar caps a whole image name, host included, at 255 characters.
  const budget = imageNameBudget(dockerHost(ref), MAX_IMAGE_NAME_LENGTH) - prefix.length
  return `${prefix}${toPlatformName('gar', logicalName, { maxLength: budget, platform: PLATFORM })}`
}

/**
 * Check a routable name passed back to the provider: a usable name of an image path in this
 * provider's GAR repository. Names outside it (e.g. a logical name) are never re-prefixed, so no
 * method touches an image path it does not manage.
 *
 * @throws ArtifactRegistryError `INVALID_NAME` for unusable names or image paths GAR refuses;
 *   `INVALID_ARGUMENT` for names outside this provider's GAR repository.
 */
export function checkRoutableName(ref: GarRepositoryRef, name: string): string {
  imagePathOf(ref, name)
  return name
}

/**
 * The image path of a routable name of this provider, checked as {@link checkRoutableName} does.
 *
 * @throws ArtifactRegistryError `INVALID_NAME` or `INVALID_ARGUMENT`, as {@link checkRoutableName}.
 */
export function imagePathOf(ref: GarRepositoryRef, routableName: string): string {
  assertUsableName(routableName, PLATFORM)
  const prefix = `${ref.projectId}/${ref.repository}/`
  if (!routableName.startsWith(prefix)) {
    throw platformError(
      'INVALID_ARGUMENT',
      `"${routableName}" is not in GAR repository ${garResourceName(ref)}; pass the name createRepository returned ("${prefix}…")`,
    )
  }
  const imagePath = routableName.slice(prefix.length)
  if (!isValidPlatformName('gar', imagePath)) {
    throw platformError(
      'INVALID_NAME',
      `"${imagePath}" is not a valid Artifact Registry image path`,
    )
  }
  return imagePath
}

/**
 * `{registry host}/{project}/{garRepo}/{imagePath}`, the GAR repository segment included; the
 * host is `{location}-docker.pkg.dev` unless the `registryEndpoint` option names another.
 */
export function imageUri(registryHost: string, routableName: string): string {
  return `${registryHost}/${routableName}`
}

/** The package resource of an image path; GAR names Docker packages by the URL-encoded path. */
export function packageName(ref: GarRepositoryRef, imagePath: string): string {
  return `${garResourceName(ref)}/packages/${encodeURIComponent(imagePath)}`
}
