import { OciError } from './oci-errors.js'
import type { RegistryStore } from './storage/registry-store.js'

// Blobs looked up at once: enough to keep the filesystem's threads busy, few enough to leave them
// to other requests too.
const CONCURRENT_LOOKUPS = 8

/** What the check reads of the store. */
export type ReferenceLookup = Pick<RegistryStore, 'linkedBlob' | 'hasManifest'>

/**
 * Refuse a manifest (`MANIFEST_BLOB_UNKNOWN`, naming the first missing digest in the manifest's
 * order) unless every blob and child it references is in the repository. An index's child may be
 * a manifest or a blob: BuildKit's registry cache is an index whose children are its layers and
 * cache config, and distribution accepts either (its manifest lookups also see linked blobs).
 *
 * It runs under garbage collection's shared lock, which a collection waits for: each distinct
 * blob is looked up once, a few at a time. Looked up one reference after another, a manifest
 * naming one layer 24,000 times held the lock, and every push behind a collection, for a second.
 */
export async function requireReferences(
  store: ReferenceLookup,
  repository: string,
  blobs: readonly string[],
  manifests: readonly string[],
): Promise<void> {
  const linked = async (digest: string): Promise<boolean> =>
    (await store.linkedBlob(repository, digest)) !== undefined
  // Children that are manifests are known at once; only the others are looked up as blobs.
  const missing =
    (await firstMissing([...new Set(blobs)], linked)) ??
    (await firstMissing(
      [...new Set(manifests)].filter((digest) => !store.hasManifest(repository, digest)),
      linked,
    ))
  if (missing !== undefined) {
    throw new OciError('MANIFEST_BLOB_UNKNOWN', { detail: { digest: missing } })
  }
}

/** What the check at the write reads of the store: the repository's record, no file. */
export type HeldReferenceLookup = Pick<RegistryStore, 'isLinked' | 'hasManifest'>

/**
 * Refuse the manifest as {@link requireReferences} does unless every blob and child it
 * references is still in the repository's record. Synchronous, for the write's guard under the
 * repository's lock: the collection's lock keeps the bytes of what was found, but not the links,
 * and deleting the repository (or a blob) between the check and the write unlinked what the
 * manifest needs. Stored anyway, it re-created a deleted repository holding a tag whose layers
 * were all 404 `BLOB_UNKNOWN`: an image no one could pull.
 */
export function requireReferencesHeld(
  store: HeldReferenceLookup,
  repository: string,
  blobs: readonly string[],
  manifests: readonly string[],
): void {
  const missing =
    blobs.find((digest) => !store.isLinked(repository, digest)) ??
    manifests.find(
      (digest) => !store.hasManifest(repository, digest) && !store.isLinked(repository, digest),
    )
  if (missing !== undefined) {
    throw new OciError('MANIFEST_BLOB_UNKNOWN', { detail: { digest: missing } })
  }
}

// The first digest, in order, that `present` denies. Lookups start in order, and none starts once
// one is denied: every digest before a denied one has been looked up when all have settled. A
// lookup that fails stops the others too, and its error is thrown once every lookup has settled:
// none may still run once the caller lets go of the collection's lock.
async function firstMissing(
  digests: readonly string[],
  present: (digest: string) => Promise<boolean>,
): Promise<string | undefined> {
  let next = 0
  let missingAt = digests.length
  let failure: { error: unknown } | undefined
  const lookUp = async (): Promise<void> => {
    while (next < missingAt && failure === undefined) {
      const index = next++
      try {
        if (!(await present(digests[index] as string))) missingAt = Math.min(missingAt, index)
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  const lookups = Math.min(CONCURRENT_LOOKUPS, digests.length)
  await Promise.all(Array.from({ length: lookups }, lookUp))
  if (failure !== undefined) throw failure.error
  return digests[missingAt]
}
