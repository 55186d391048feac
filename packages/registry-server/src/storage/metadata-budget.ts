import type { RecordChange } from './record-change.js'
import type { ManifestRecord, RepositoryRecord } from './repository-record.js'

/**
 * The default of `maxRepositoryMetadataBytes`. A repository's record is kept in memory and is
 * rewritten whole from time to time while its other changes wait (a million tags held the server
 * at 590 MB resident); 16 MiB is some 197,000 short tags, or thousands of images with their tags,
 * and took a server from 95 to 221 MB resident.
 */
export const DEFAULT_MAX_REPOSITORY_METADATA_BYTES: number = 16 * 1024 * 1024

/**
 * A change refused because it would take a repository's metadata past the registry's limit.
 * Clients get 403 `DENIED` with the figures (see `public-error.ts`): retrying cannot help, and
 * deleting tags or manifests makes room.
 */
export class RepositoryMetadataFull extends Error {
  override readonly name = 'RepositoryMetadataFull'

  constructor(
    readonly repository: string,
    /** What the repository would hold once changed, in bytes of JSON. */
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `repository ${repository} would hold ${bytes} bytes of metadata, more than the ` +
        `registry's limit of ${limit} (maxRepositoryMetadataBytes): delete tags or manifests ` +
        'to make room',
    )
  }
}

/**
 * The size of a record as the JSON it is written as (its entries; the few bytes of its name and
 * braces are left out). What the limit counts: it grows with everything a client can add to a
 * repository (tags, manifests with their references and annotations, blob links) and with
 * nothing else.
 */
export function recordBytes(record: RepositoryRecord): number {
  let bytes = 0
  for (const [digest, manifest] of record.manifests) bytes += manifestBytes(digest, manifest)
  for (const [tag, digest] of record.tags) bytes += tagBytes(tag, digest)
  for (const digest of record.blobs) bytes += blobBytes(digest)
  return bytes
}

/**
 * How much `change` adds to `record`'s {@link recordBytes} (negative when it frees more than it
 * adds), worked out from the entries it names alone.
 */
export function changeBytes(record: RepositoryRecord | undefined, change: RecordChange): number {
  let delta = 0
  for (const [digest, manifest] of change.manifests) {
    const old = record?.manifests.get(digest)
    if (old !== undefined) delta -= manifestBytes(digest, old)
    if (manifest !== null) delta += manifestBytes(digest, manifest)
  }
  for (const [tag, digest] of change.tags) {
    const old = record?.tags.get(tag)
    if (old !== undefined) delta -= tagBytes(tag, old)
    if (digest !== null) delta += tagBytes(tag, digest)
  }
  for (const [digest, linked] of change.blobs) {
    const was = record?.blobs.has(digest) === true
    if (was && !linked) delta -= blobBytes(digest)
    if (!was && linked) delta += blobBytes(digest)
  }
  return delta
}

// --- Internal ---

// `"key":value,` for each entry, in bytes of UTF-8 as the record is written. Tags and digests are
// checked against the spec's grammars before they get here: ASCII that needs no escaping, so
// `.length + 2` is their JSON size. A manifest's annotations can be any text, where one
// character can take up to 3 bytes (and 2 in memory): it is measured in bytes, not characters.
function manifestBytes(digest: string, manifest: ManifestRecord): number {
  return digest.length + 4 + Buffer.byteLength(JSON.stringify(manifest))
}

function tagBytes(tag: string, digest: string): number {
  return tag.length + digest.length + 6
}

function blobBytes(digest: string): number {
  return digest.length + 8
}
