import {
  isValidPlatformName,
  type RepositoryResponse,
  type ResolvedListOptions,
  sortByName,
} from '@artifact-registry/core'
import type { ArtifactRegistryClient, protos } from '@google-cloud/artifact-registry'
import { packageCreatedAt } from './gar-repository.js'
import { mapError } from './map-error.js'
import { type GarRepositoryRef, garResourceName, imageUri } from './naming.js'

/** GAR's largest page: the fewest `listPackages` calls. */
const PAGE_SIZE = 1000

/** Where the listing reads and what it answers. */
export interface ListTarget {
  readonly client: ArtifactRegistryClient
  readonly ref: GarRepositoryRef
  /** `host[:port]` of the registry, for the URIs. */
  readonly registryHost: string
}

/**
 * The image paths of the GAR repository that hold something (GAR keeps a package per image path
 * from its first push until it is deleted), as routable names, sorted. Every page of
 * `listPackages` is read; the prefix is matched against the image path here.
 *
 * @throws the signal's reason once it is aborted; a mapped error of `listPackages`.
 */
export async function listRepositories(
  target: ListTarget,
  { prefix, signal }: ResolvedListOptions,
): Promise<RepositoryResponse[]> {
  const parent = garResourceName(target.ref)
  // The async iterator asks for each page itself; the client's default autoPaginate: true does
  // not apply to it, and would only print its AutopaginateTrueWarning.
  const packages = target.client.listPackagesAsync(
    { parent, pageSize: PAGE_SIZE },
    { autoPaginate: false },
  )
  const iterator = packages[Symbol.asyncIterator]()
  const found: RepositoryResponse[] = []
  try {
    for (;;) {
      const next = await unlessAborted(iterator.next(), signal)
      if (next.done === true) break
      const repository = toResponse(target, next.value)
      if (repository !== undefined && imagePathOf(target, repository).startsWith(prefix)) {
        found.push(repository)
      }
    }
  } catch (err) {
    signal?.throwIfAborted()
    throw mapError(err, { operation: 'listPackages', resource: parent })
  }
  return sortByName(found)
}

// --- Internal ---

/** The repository of a package, or `undefined` for a package that is no image path of ours. */
function toResponse(
  target: ListTarget,
  pkg: protos.google.devtools.artifactregistry.v1.IPackage,
): RepositoryResponse | undefined {
  const id = pkg.name?.slice(`${garResourceName(target.ref)}/packages/`.length) ?? ''
  let imagePath: string
  try {
    imagePath = decodeURIComponent(id)
  } catch {
    return undefined
  }
  if (!isValidPlatformName('gar', imagePath)) return undefined
  const name = `${target.ref.projectId}/${target.ref.repository}/${imagePath}`
  return { name, uri: imageUri(target.registryHost, name), createdAt: packageCreatedAt(pkg) }
}

function imagePathOf(target: ListTarget, repository: RepositoryResponse): string {
  return repository.name.slice(`${target.ref.projectId}/${target.ref.repository}/`.length)
}

/**
 * `promise`, or the signal's reason as soon as it aborts: the Google client takes no signal, so
 * a page already asked for is left to finish unread.
 */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(signal.reason)
    signal.addEventListener('abort', abort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort))
  })
}
