import type { ManifestRecord, RepositoryRecord } from './repository-record.js'

/**
 * What one change does to a repository's record, key by key: each entry gives a key's value once
 * the change is made, `null` (or `false` for a blob) when the key is removed. Values are given,
 * never derived from the record they apply to, so applying a change twice leaves what applying it
 * once does. The change is what the metadata log stores; its size is that of what changed, not
 * of the repository.
 */
export interface RecordChange {
  /** By digest: the manifest's record, or `null` to remove it. */
  readonly manifests: Map<string, ManifestRecord | null>
  /** By tag: the manifest digest it points at, or `null` to remove it. */
  readonly tags: Map<string, string | null>
  /** By digest: whether the blob is linked into the repository. */
  readonly blobs: Map<string, boolean>
}

/** A change that changes nothing yet. */
export function emptyChange(): RecordChange {
  return { manifests: new Map(), tags: new Map(), blobs: new Map() }
}

/** Whether the change names no key at all. */
export function isNoChange(change: RecordChange): boolean {
  return change.manifests.size === 0 && change.tags.size === 0 && change.blobs.size === 0
}

/** Make the change to `record` in place. */
export function applyChange(record: RepositoryRecord, change: RecordChange): void {
  for (const [digest, manifest] of change.manifests) {
    if (manifest === null) record.manifests.delete(digest)
    else record.manifests.set(digest, manifest)
  }
  for (const [tag, digest] of change.tags) {
    if (digest === null) record.tags.delete(tag)
    else record.tags.set(tag, digest)
  }
  for (const [digest, linked] of change.blobs) {
    if (linked) record.blobs.add(digest)
    else record.blobs.delete(digest)
  }
}

/**
 * A new record: `record` (or an empty one) with the change made. `record` is left as it is; the
 * two share their manifest entries, which are replaced on change, never edited.
 */
export function changedCopy(
  record: RepositoryRecord | undefined,
  change: RecordChange,
): RepositoryRecord {
  const copy: RepositoryRecord = {
    manifests: new Map(record?.manifests),
    tags: new Map(record?.tags),
    blobs: new Set(record?.blobs),
  }
  applyChange(copy, change)
  return copy
}

/**
 * Whether the record holds nothing once the change is made, counted from the change alone: the
 * record is not copied to find out.
 */
export function isEmptyAfter(record: RepositoryRecord | undefined, change: RecordChange): boolean {
  const manifests = sizeAfter(record?.manifests, change.manifests, (value) => value === null)
  const tags = sizeAfter(record?.tags, change.tags, (value) => value === null)
  const blobs = sizeAfter(record?.blobs, change.blobs, (linked) => !linked)
  return manifests === 0 && tags === 0 && blobs === 0
}

// --- internal ---

function sizeAfter<V>(
  current: ReadonlyMap<string, unknown> | ReadonlySet<string> | undefined,
  change: ReadonlyMap<string, V>,
  removes: (value: V) => boolean,
): number {
  let size = current?.size ?? 0
  for (const [key, value] of change) {
    const present = current?.has(key) === true
    if (removes(value)) {
      if (present) size -= 1
    } else if (!present) {
      size += 1
    }
  }
  return size
}
