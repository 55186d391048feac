import type { RegistryStore } from './storage/registry-store.js'
import type { UploadSessions } from './upload-sessions.js'

/** What a garbage collection removed. */
export interface GarbageCollectionResult {
  /** Blobs deleted. */
  deleted: number
  /** Unreferenced blobs kept because they are younger than the grace period. */
  spared: number
}

/**
 * Mark every blob a manifest references (and the manifests themselves), then delete the other
 * blobs older than `graceSeconds` and their links. Runs under the exclusive lock: no commit or
 * manifest write interleaves, and the grace period protects pushes whose manifest is yet to come.
 */
export function collectGarbage(
  store: RegistryStore,
  graceSeconds: number,
): Promise<GarbageCollectionResult> {
  return store.gcLock.exclusive(async () => {
    const live = store.referencedDigests()
    const cutoff = Date.now() - graceSeconds * 1000
    const doomed = new Set<string>()
    let spared = 0
    for await (const digest of store.blobs.list()) {
      if (live.has(digest)) continue
      const info = await store.blobs.stat(digest)
      if (info === undefined) continue
      if (info.createdAt.getTime() > cutoff) spared += 1
      else doomed.add(digest)
    }
    // Links go first: a blob must never be visible in a repository after its bytes are gone.
    await store.unlinkEverywhere(doomed)
    for (const digest of doomed) await store.blobs.delete(digest)
    return { deleted: doomed.size, spared }
  })
}

/** Purge upload sessions older than `expirySeconds`. Returns how many were removed. */
export function purgeExpiredUploads(
  uploads: UploadSessions,
  expirySeconds: number,
): Promise<number> {
  return uploads.purgeOlderThan(Date.now() - expirySeconds * 1000)
}
