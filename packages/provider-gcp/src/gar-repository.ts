import { type ArtifactRegistryClient, protos } from '@google-cloud/artifact-registry'
import { mapError, platformError } from './map-error.js'
import { type GarRepositoryRef, garResourceName, packageName } from './naming.js'

const { Format, Mode } = protos.google.devtools.artifactregistry.v1.Repository
// Plain RPCs decode enums to names, long-running results to numbers: accept both.
const DOCKER_OR_UNSAID: ReadonlySet<unknown> = new Set([
  undefined,
  null,
  Format.DOCKER,
  'DOCKER',
  Format.FORMAT_UNSPECIFIED,
  'FORMAT_UNSPECIFIED',
])

// A standard repository stores what is pushed; remote and virtual ones are read-only views of
// other sources. Repositories made before modes existed leave it unsaid.
const STANDARD_OR_UNSAID: ReadonlySet<unknown> = new Set([
  undefined,
  null,
  Mode.STANDARD_REPOSITORY,
  'STANDARD_REPOSITORY',
  Mode.MODE_UNSPECIFIED,
  'MODE_UNSPECIFIED',
])

/**
 * @internal Check that the GAR repository was provisioned, in Docker format. Image paths appear
 * on first push, so this is the only thing `createRepository` can verify.
 *
 * @throws ArtifactRegistryError `NOT_FOUND` when it does not exist; `INVALID_CONFIG` when it
 *   holds another format, or is a remote or virtual repository (read-only: nothing can be
 *   pushed to it, and what it serves comes from elsewhere).
 */
export async function checkGarRepository(
  client: ArtifactRegistryClient,
  ref: GarRepositoryRef,
): Promise<void> {
  const name = garResourceName(ref)
  let repository: protos.google.devtools.artifactregistry.v1.IRepository
  try {
    ;[repository] = await client.getRepository({ name })
  } catch (err) {
    const mapped = mapError(err, { operation: 'getRepository', resource: name })
    if (mapped.code !== 'NOT_FOUND') throw mapped
    throw platformError(
      'NOT_FOUND',
      `GAR repository ${name} does not exist: provision it (Docker format) before creating image paths in it`,
      { cause: err },
    )
  }
  if (!isDockerFormat(repository.format)) {
    throw platformError(
      'INVALID_CONFIG',
      `GAR repository ${name} is a ${String(repository.format)} repository; container images need a DOCKER one`,
      { issues: [{ path: 'repository', message: 'must be a Docker-format GAR repository' }] },
    )
  }
  if (!isStandardMode(repository.mode)) {
    throw platformError(
      'INVALID_CONFIG',
      `GAR repository ${name} is a ${String(repository.mode)}, which is read-only and serves images from elsewhere; image paths need a standard repository`,
      { issues: [{ path: 'repository', message: 'must be a standard GAR repository' }] },
    )
  }
}

/**
 * @internal Whether a repository's `mode` is a standard repository's (or unsaid), however the
 * SDK decoded the enum.
 */
export function isStandardMode(mode: unknown): boolean {
  return STANDARD_OR_UNSAID.has(mode)
}

/**
 * @internal Whether a repository's `format` is Docker's (or unsaid, as GAR's oldest Docker
 * repositories answer), however the SDK decoded the enum.
 */
export function isDockerFormat(format: unknown): boolean {
  return DOCKER_OR_UNSAID.has(format)
}

/** @internal When the image path was first pushed, or `null` while it has no package. */
export async function imagePathCreatedAt(
  client: ArtifactRegistryClient,
  ref: GarRepositoryRef,
  imagePath: string,
): Promise<Date | null> {
  const name = packageName(ref, imagePath)
  try {
    const [pkg] = await client.getPackage({ name })
    return packageCreatedAt(pkg)
  } catch (err) {
    const mapped = mapError(err, { operation: 'getPackage', resource: name })
    if (mapped.code === 'NOT_FOUND') return null
    throw mapped
  }
}

/**
 * @internal Delete the package of an image path, with all its versions and tags, and wait for
 * the operation. A package that is already gone counts as deleted. Other image paths, nested
 * ones included, are other repositories and stay.
 */
export async function deleteImagePath(
  client: ArtifactRegistryClient,
  ref: GarRepositoryRef,
  imagePath: string,
): Promise<void> {
  const name = packageName(ref, imagePath)
  try {
    const [operation] = await client.deletePackage({ name })
    await operation.promise()
  } catch (err) {
    const mapped = mapError(err, { operation: 'deletePackage', resource: name })
    if (mapped.code !== 'NOT_FOUND') throw mapped
  }
}

/** @internal When a package (an image path) was first pushed, or `null` when GAR does not say. */
export function packageCreatedAt(
  pkg: protos.google.devtools.artifactregistry.v1.IPackage,
): Date | null {
  return toDate(pkg.createTime)
}

// --- Internal ---

function toDate(timestamp: protos.google.protobuf.ITimestamp | null | undefined): Date | null {
  if (timestamp?.seconds === undefined || timestamp.seconds === null) return null
  // int64 seconds arrive as a string (plain RPC) or a Long (long-running result).
  const ms = Number(String(timestamp.seconds)) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1e6)
  return Number.isFinite(ms) ? new Date(ms) : null
}
