import { KeyedMutex, SharedExclusiveLock } from '../locks.js'
import { annotationsOf, type Descriptor, type ParsedManifest } from '../manifest.js'
import type { BlobInfo, BlobStore, OpenBlob } from './blob-store.js'
import { FsBlobStore } from './fs-blob-store.js'
import { MemoryBlobStore } from './memory-blob-store.js'
import { changeBytes, RepositoryMetadataFull, recordBytes } from './metadata-budget.js'
import { FsMetadataStore, MemoryMetadataStore, type MetadataStore } from './metadata-store.js'
import {
  applyChange,
  changedCopy,
  emptyChange,
  isEmptyAfter,
  isNoChange,
  type RecordChange,
} from './record-change.js'
import type { ManifestRecord, RepositoryRecord } from './repository-record.js'

/**
 * Checked under the repository's lock just before a change is written; throwing refuses the
 * change and writes nothing. Deleting a repository revokes its credentials before it takes that
 * lock to clear the repository, so a change checked this way either lands before the clearing
 * (and goes with it) or is refused. Synchronous, and it must be quick: other changes of the
 * repository, and a garbage collection, wait while it runs.
 */
export type MutationGuard = () => void

/** One page of referrers; `last` is the digest to list after for the next, when more follow. */
export interface ReferrersPage {
  manifests: Descriptor[]
  last?: string
}

/**
 * The most a page of referrers holds as JSON (one descriptor larger than this is a page alone).
 * Real referrers (signatures, SBOMs) take a few hundred bytes each.
 */
export const REFERRERS_PAGE_BYTES: number = 4 * 1024 * 1024

/** A manifest to store: its exact bytes, digest, parsed fields and the tags to point at it. */
export interface ManifestWrite {
  bytes: Buffer
  digest: string
  parsed: ParsedManifest
  tags: string[]
}

/**
 * The registry's state: blobs (global, content-addressed), and per repository the linked blobs,
 * manifests and tags. Metadata lives in memory; each change is persisted atomically before it is
 * visible, as what it changes (not the whole repository); changes to one repository run one at a
 * time.
 */
export class RegistryStore {
  readonly blobs: BlobStore
  /** Commits and manifest writes share it; garbage collection takes it alone. */
  readonly gcLock: SharedExclusiveLock = new SharedExclusiveLock()
  readonly #metadata: MetadataStore
  readonly #records: Map<string, RepositoryRecord>
  readonly #mutex = new KeyedMutex()
  /** Each repository's tags, sorted, once listed (see {@link tags}). */
  readonly #sortedTags = new Map<string, readonly string[]>()
  /** The most metadata one repository may hold (see `metadata-budget.ts`). */
  readonly #maxRepositoryBytes: number
  /** Each repository's metadata size, once a change needed it (see {@link #bytesOf}). */
  readonly #repositoryBytes = new Map<string, number>()

  private constructor(
    blobs: BlobStore,
    metadata: MetadataStore,
    records: Map<string, RepositoryRecord>,
    maxRepositoryBytes: number,
  ) {
    this.blobs = blobs
    this.#metadata = metadata
    this.#records = records
    this.#maxRepositoryBytes = maxRepositoryBytes
  }

  /**
   * Open the filesystem store in `dataDir`, or an in-memory store when it is undefined.
   * @param maxRepositoryBytes a change that would take a repository's metadata past this is
   * refused with {@link RepositoryMetadataFull}
   */
  static async open(
    dataDir: string | undefined,
    maxRepositoryBytes: number = Number.POSITIVE_INFINITY,
  ): Promise<RegistryStore> {
    if (dataDir === undefined) {
      const metadata = new MemoryMetadataStore()
      return new RegistryStore(new MemoryBlobStore(), metadata, new Map(), maxRepositoryBytes)
    }
    const blobs = await FsBlobStore.open(dataDir)
    const metadata = new FsMetadataStore(dataDir, blobs.tmpDir)
    return new RegistryStore(blobs, metadata, await metadata.loadAll(), maxRepositoryBytes)
  }

  hasRepository(name: string): boolean {
    return this.#records.has(name)
  }

  /** Names of repositories that hold anything, sorted. */
  repositories(): string[] {
    return [...this.#records.keys()].sort()
  }

  /**
   * Whether the blob is linked into `repository`, from the record alone (no file is looked at):
   * quick and synchronous, so a {@link MutationGuard} can ask it under the repository's lock.
   */
  isLinked(repository: string, digest: string): boolean {
    return this.#records.get(repository)?.blobs.has(digest) === true
  }

  /** The blob, if it exists and is linked into `repository`. */
  async linkedBlob(repository: string, digest: string): Promise<BlobInfo | undefined> {
    if (this.#records.get(repository)?.blobs.has(digest) !== true) return undefined
    return this.blobs.stat(digest)
  }

  /**
   * The blob opened for reading, if it exists and is linked into `repository`; the caller closes
   * it. What is opened is sent whole even if a collection deletes the blob meanwhile.
   */
  async openLinkedBlob(repository: string, digest: string): Promise<OpenBlob | undefined> {
    if (this.#records.get(repository)?.blobs.has(digest) !== true) return undefined
    return this.blobs.open(digest)
  }

  /**
   * Link a blob into a repository; refreshes its age so collection spares it for a grace period.
   * @param allowed see {@link MutationGuard}
   */
  linkBlob(repository: string, digest: string, allowed?: MutationGuard): Promise<void> {
    return this.#mutate(
      repository,
      (record, change) => {
        if (record?.blobs.has(digest) !== true) change.blobs.set(digest, true)
      },
      allowed,
    ).then(() => this.blobs.touch(digest))
  }

  /**
   * Unlink a blob from a repository; false when it was not linked.
   * @param allowed see {@link MutationGuard}
   */
  unlinkBlob(repository: string, digest: string, allowed?: MutationGuard): Promise<boolean> {
    return this.#mutate(
      repository,
      (record, change) => {
        if (record?.blobs.has(digest) === true) change.blobs.set(digest, false)
      },
      allowed,
    )
  }

  /** Resolve a tag or digest to a manifest of the repository. */
  resolve(
    repository: string,
    reference: string,
  ): { digest: string; manifest: ManifestRecord } | undefined {
    const record = this.#records.get(repository)
    if (record === undefined) return undefined
    const digest = reference.includes(':') ? reference : record.tags.get(reference)
    const manifest = digest === undefined ? undefined : record.manifests.get(digest)
    return digest === undefined || manifest === undefined ? undefined : { digest, manifest }
  }

  /** Whether the manifest exists in the repository. */
  hasManifest(repository: string, digest: string): boolean {
    return this.#records.get(repository)?.manifests.has(digest) === true
  }

  /**
   * Store a manifest: its bytes first, then the record, so a visible manifest always has bytes.
   * @param allowed see {@link MutationGuard}
   */
  async putManifest(
    repository: string,
    write: ManifestWrite,
    allowed?: MutationGuard,
  ): Promise<void> {
    await this.blobs.writeSmall(write.digest, write.bytes)
    const { parsed } = write
    const manifest: ManifestRecord = {
      mediaType: parsed.mediaType,
      size: write.bytes.byteLength,
      ...(parsed.subject && { subject: parsed.subject }),
      ...(parsed.artifactType && { artifactType: parsed.artifactType }),
      ...recordedAnnotations(parsed.annotations),
      // Each once: the record is rewritten whole from time to time, and a manifest may name one
      // layer thousands of times. Non-distributable layers too: not required, but when one was
      // pushed, collection must not delete it from under the manifest.
      references: [
        ...new Set([
          ...parsed.requiredBlobs,
          ...parsed.childManifests,
          ...parsed.nonDistributableBlobs,
        ]),
      ],
      createdAt: Date.now(),
    }
    await this.#mutate(
      repository,
      (record, change) => {
        change.manifests.set(write.digest, {
          ...manifest,
          createdAt: record?.manifests.get(write.digest)?.createdAt ?? manifest.createdAt,
        })
        for (const tag of write.tags) change.tags.set(tag, write.digest)
      },
      allowed,
    )
  }

  /**
   * Delete a manifest and every tag that points at it; false when it was not there.
   * @param allowed see {@link MutationGuard}
   */
  deleteManifest(repository: string, digest: string, allowed?: MutationGuard): Promise<boolean> {
    return this.#mutate(
      repository,
      (record, change) => {
        if (record?.manifests.has(digest) !== true) return
        change.manifests.set(digest, null)
        for (const [tag, target] of record.tags) if (target === digest) change.tags.set(tag, null)
      },
      allowed,
    )
  }

  /**
   * Delete one tag only; false when it was not there.
   * @param allowed see {@link MutationGuard}
   */
  deleteTag(repository: string, tag: string, allowed?: MutationGuard): Promise<boolean> {
    return this.#mutate(
      repository,
      (record, change) => {
        if (record?.tags.has(tag) === true) change.tags.set(tag, null)
      },
      allowed,
    )
  }

  /**
   * Tags of a repository sorted ASCIIbetically; `undefined` when the repository is unknown.
   * Sorted once and then kept up to date by each change (see {@link #mutate}): sorted again at
   * every request, a repository of a million tags cost each `tags/list?n=10` 240 ms of the main
   * thread, and 20 such requests at once held every other client up for 2 s.
   */
  tags(repository: string): readonly string[] | undefined {
    const record = this.#records.get(repository)
    if (record === undefined) return undefined
    let sorted = this.#sortedTags.get(repository)
    if (sorted === undefined) {
      sorted = [...record.tags.keys()].sort()
      this.#sortedTags.set(repository, sorted)
    }
    return sorted
  }

  /**
   * One page of the descriptors of the repository's manifests whose subject is `digest`, sorted
   * by digest, annotations included (read from the manifest itself when too large for the
   * record). Only those of `artifactType` when given, and only digests after `after` when given.
   * A page holds descriptors of at most {@link REFERRERS_PAGE_BYTES} as JSON (at least one), and
   * `last` names its last digest when more follow. Listed whole, a subject with 20 referrers of
   * 4 MiB of annotations took one request to 478 MB resident and blocked every other client for
   * 1.2 s; the page is bounded whatever a pusher stacked on one subject, and manifests are read
   * one at a time.
   */
  async referrers(
    repository: string,
    digest: string,
    query: { artifactType?: string; after?: string } = {},
  ): Promise<ReferrersPage> {
    const record = this.#records.get(repository)
    if (record === undefined) return { manifests: [] }
    const { artifactType, after } = query
    const found = [...record.manifests]
      .filter(
        ([d, m]) =>
          m.subject === digest &&
          (artifactType === undefined || m.artifactType === artifactType) &&
          (after === undefined || d > after),
      )
      .sort(([a], [b]) => (a < b ? -1 : 1))
    const manifests: Descriptor[] = []
    let bytes = 0
    // Referrers looked at: listed, or skipped as deleted since `found` was taken.
    let seen = 0
    for (const [d, m] of found) {
      // A manifest's annotations are no larger than the manifest: its size bounds the entry
      // before it is read, so a manifest is not read only to be left for the next page.
      const estimate = m.annotationsInManifest ? m.size : 0
      if (manifests.length > 0 && bytes + estimate > REFERRERS_PAGE_BYTES) break
      const stored = m.annotationsInManifest ? await this.blobs.readAll(d) : undefined
      // Its bytes gone meanwhile: deleted (and collected) while this page was read.
      if (m.annotationsInManifest && stored === undefined) {
        seen += 1
        continue
      }
      const annotations = stored ? annotationsOf(stored) : m.annotations
      const descriptor: Descriptor = {
        mediaType: m.mediaType,
        digest: d,
        size: m.size,
        ...(m.artifactType && { artifactType: m.artifactType }),
        ...(annotations && { annotations }),
      }
      // In bytes, as the page is sent: annotations are any text, and counted in characters, a
      // page of three-byte characters held three times the limit.
      const size = Buffer.byteLength(JSON.stringify(descriptor))
      if (manifests.length > 0 && bytes + size > REFERRERS_PAGE_BYTES) break
      manifests.push(descriptor)
      bytes += size
      seen += 1
    }
    const more = seen < found.length
    return more ? { manifests, last: manifests.at(-1)?.digest } : { manifests }
  }

  /** Every digest a manifest still needs: the manifests themselves and what they reference. */
  referencedDigests(): Set<string> {
    const live = new Set<string>()
    for (const record of this.#records.values()) {
      for (const [digest, manifest] of record.manifests) {
        live.add(digest)
        for (const ref of manifest.references) live.add(ref)
      }
    }
    return live
  }

  /** Remove the links to `digests` from every repository (their blobs are being collected). */
  async unlinkEverywhere(digests: ReadonlySet<string>): Promise<void> {
    for (const repository of this.repositories()) {
      await this.#mutate(repository, (record, change) => {
        for (const digest of record?.blobs ?? []) {
          if (digests.has(digest)) change.blobs.set(digest, false)
        }
      })
    }
  }

  /** Remove a repository's manifests, tags and links. */
  async deleteRepository(repository: string): Promise<void> {
    await this.#mutate(repository, (record, change) => {
      for (const digest of record?.manifests.keys() ?? []) change.manifests.set(digest, null)
      for (const tag of record?.tags.keys() ?? []) change.tags.set(tag, null)
      for (const digest of record?.blobs ?? []) change.blobs.set(digest, false)
    })
  }

  /**
   * Work out a change from the current record, persist it, then make it in memory: a failed
   * write changes nothing, and nothing is visible before it is on disk. `plan` reads the record
   * (`undefined` for a repository that holds nothing) and fills `change`; it must not edit the
   * record. Returns whether there was anything to change.
   */
  #mutate(
    repository: string,
    plan: (record: RepositoryRecord | undefined, change: RecordChange) => void,
    allowed?: MutationGuard,
  ): Promise<boolean> {
    return this.#mutex.run(repository, async () => {
      allowed?.()
      const current = this.#records.get(repository)
      const change = emptyChange()
      plan(current, change)
      if (isNoChange(change)) return false
      const bytes = this.#bytesAfter(repository, current, change)
      const emptied = isEmptyAfter(current, change)
      await this.#metadata.save(
        repository,
        change,
        emptied ? undefined : () => changedCopy(current, change),
      )
      const sorted = this.#sortedTags.get(repository)
      if (sorted !== undefined && current !== undefined && !emptied) {
        this.#sortedTags.set(repository, sortedAfter(sorted, current.tags, change.tags))
      } else {
        this.#sortedTags.delete(repository)
      }
      if (emptied) this.#records.delete(repository)
      else if (current === undefined) this.#records.set(repository, changedCopy(undefined, change))
      else applyChange(current, change)
      if (emptied || bytes === undefined) this.#repositoryBytes.delete(repository)
      else this.#repositoryBytes.set(repository, bytes)
      return true
    })
  }

  /**
   * The repository's metadata size once `change` is made (`undefined` while it was never needed);
   * throws {@link RepositoryMetadataFull} when the change adds to a repository that would then
   * hold more than the limit. A change that adds nothing never counts the whole record: deletes,
   * and a collection unlinking blobs from every repository after a restart, stay as cheap as
   * their change.
   */
  #bytesAfter(
    repository: string,
    current: RepositoryRecord | undefined,
    change: RecordChange,
  ): number | undefined {
    const delta = changeBytes(current, change)
    if (delta <= 0) {
      const known = this.#repositoryBytes.get(repository)
      return known === undefined ? undefined : known + delta
    }
    const after = this.#bytesOf(repository, current) + delta
    if (after > this.#maxRepositoryBytes) {
      throw new RepositoryMetadataFull(repository, after, this.#maxRepositoryBytes)
    }
    return after
  }

  /**
   * The repository's metadata size, counted once (the first change after the store opened that
   * adds to it) and then kept up to date by each change, so a change costs the size of what it
   * changes.
   */
  #bytesOf(repository: string, record: RepositoryRecord | undefined): number {
    if (record === undefined) return 0
    let bytes = this.#repositoryBytes.get(repository)
    if (bytes === undefined) {
      bytes = recordBytes(record)
      this.#repositoryBytes.set(repository, bytes)
    }
    return bytes
  }
}

/**
 * Annotations larger than this (as JSON) stay in the manifest alone. A record is rewritten whole
 * from time to time and kept in memory: when it was cloned and rewritten at every change, eight
 * manifests with 4 MB of annotations each made every tag push take over half a second, holding
 * every other request up for a third of it. Real annotations (titles, dates, sources) take a few
 * hundred bytes.
 */
const MAX_RECORDED_ANNOTATIONS = 16 * 1024

/** The annotations field of a new manifest's record entry. */
function recordedAnnotations(
  annotations: Record<string, string> | undefined,
): Pick<ManifestRecord, 'annotations' | 'annotationsInManifest'> {
  if (annotations === undefined) return {}
  if (JSON.stringify(annotations).length > MAX_RECORDED_ANNOTATIONS) {
    return { annotationsInManifest: true }
  }
  return { annotations }
}

/**
 * `sorted` (the names of `tags`) once `change` is made: the same array when no name comes or
 * goes, else the names left merged with the new ones, in time linear in the tags (a change of a
 * few tags does not sort them all again).
 */
function sortedAfter(
  sorted: readonly string[],
  tags: ReadonlyMap<string, string>,
  change: ReadonlyMap<string, string | null>,
): readonly string[] {
  const removed = new Set<string>()
  const added: string[] = []
  for (const [tag, digest] of change) {
    if (digest === null && tags.has(tag)) removed.add(tag)
    else if (digest !== null && !tags.has(tag)) added.push(tag)
  }
  if (removed.size === 0 && added.length === 0) return sorted
  added.sort()
  const merged: string[] = []
  let i = 0
  for (const tag of sorted) {
    if (removed.has(tag)) continue
    while (i < added.length && (added[i] as string) < tag) merged.push(added[i++] as string)
    merged.push(tag)
  }
  while (i < added.length) merged.push(added[i++] as string)
  return merged
}
