import type { BlobInfo } from './storage/blob-store.js'
import type { RegistryStore } from './storage/registry-store.js'
import type { UploadSessions } from './upload-sessions.js'

/** What a garbage collection removed. */
export interface GarbageCollectionResult {
  /** Blobs deleted. */
  deleted: number
  /** Bytes those blobs held. */
  freedBytes: number
  /** Unreferenced blobs kept because they are younger than the grace period. */
  spared: number
}

/**
 * Delete the blobs no manifest references (nor is one itself) that are older than
 * `graceSeconds`, and their links.
 *
 * The scan of the blob store runs without any lock, so pushes go on while it lists and stats
 * every blob; it only proposes candidates. The decision is taken again under the store's
 * exclusive lock, which waits for every blob commit and manifest write in progress and holds off
 * new ones: the manifests are marked afresh and each candidate's age is read again, so a blob
 * that a manifest came to reference, or that was pushed or linked again, during the scan stays.
 * The grace period protects what the lock cannot see: blobs uploaded for a manifest not yet sent.
 */
export async function collectGarbage(
  store: RegistryStore,
  graceSeconds: number,
): Promise<GarbageCollectionResult> {
  const cutoff = Date.now() - graceSeconds * 1000
  const candidates = await oldUnreferencedBlobs(store, cutoff)
  return store.gcLock.exclusive(async () => {
    const live = store.referencedDigests()
    const doomed = new Map<string, number>()
    let spared = candidates.spared
    for (const digest of candidates.digests) {
      if (live.has(digest)) continue
      const info = await statOrKeep(store, digest)
      if (info === undefined) continue
      if (info.createdAt.getTime() > cutoff) spared += 1
      else doomed.set(digest, info.size)
    }
    // Links go first: a blob must never be visible in a repository after its bytes are gone.
    await store.unlinkEverywhere(new Set(doomed.keys()))
    let freedBytes = 0
    for (const [digest, size] of doomed) {
      await store.blobs.delete(digest)
      freedBytes += size
    }
    return { deleted: doomed.size, freedBytes, spared }
  })
}

/** Purge upload sessions older than `expirySeconds`. Returns how many were removed. */
export function purgeExpiredUploads(
  uploads: UploadSessions,
  expirySeconds: number,
): Promise<number> {
  return uploads.purgeOlderThan(Date.now() - expirySeconds * 1000)
}

// --- Internal ---

// A first pass without the lock: the manifests as they are now, the blobs as they are listed.
async function oldUnreferencedBlobs(
  store: RegistryStore,
  cutoff: number,
): Promise<{ digests: string[]; spared: number }> {
  const live = store.referencedDigests()
  const digests: string[] = []
  let spared = 0
  for await (const digest of store.blobs.list()) {
    if (live.has(digest)) continue
    const info = await statOrKeep(store, digest)
    if (info === undefined) continue
    if (info.createdAt.getTime() > cutoff) spared += 1
    else digests.push(digest)
  }
  return { digests, spared }
}

/**
 * The blob's size and age, or `undefined` (not a candidate) when it is gone or cannot be read:
 * collection deletes only what it has looked at, and one unreadable blob must not stop it from
 * freeing the others.
 */
function statOrKeep(store: RegistryStore, digest: string): Promise<BlobInfo | undefined> {
  return store.blobs.stat(digest).catch(() => undefined)
}
