import { KeyedMutex, SharedExclusiveLock } from '../locks.js'
import { annotationsOf, type Descriptor, type ParsedManifest } from '../manifest.js'
import type { BlobInfo, BlobStore } from './blob-store.js'
import { FsBlobStore } from './fs-blob-store.js'
import { MemoryBlobStore } from './memory-blob-store.js'
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

  private constructor(
    blobs: BlobStore,
    metadata: MetadataStore,
    records: Map<string, RepositoryRecord>,
  ) {
    this.blobs = blobs
    this.#metadata = metadata
    this.#records = records
  }

  /** Open the filesystem store in `dataDir`, or an in-memory store when it is undefined. */
  static async open(dataDir: string | undefined): Promise<RegistryStore> {
    if (dataDir === undefined) {
      return new RegistryStore(new MemoryBlobStore(), new MemoryMetadataStore(), new Map())
    }
    const blobs = await FsBlobStore.open(dataDir)
    const metadata = new FsMetadataStore(dataDir, blobs.tmpDir)
    return new RegistryStore(blobs, metadata, await metadata.loadAll())
  }

  hasRepository(name: string): boolean {
    return this.#records.has(name)
  }

  /** Names of repositories that hold anything, sorted. */
  repositories(): string[] {
    return [...this.#records.keys()].sort()
  }

  /** The blob, if it exists and is linked into `repository`. */
  async linkedBlob(repository: string, digest: string): Promise<BlobInfo | undefined> {
    if (this.#records.get(repository)?.blobs.has(digest) !== true) return undefined
    return this.blobs.stat(digest)
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
      // layer thousands of times.
      references: [...new Set([...parsed.requiredBlobs, ...parsed.childManifests])],
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

  /** Tags of a repository sorted ASCIIbetically; `undefined` when the repository is unknown. */
  tags(repository: string): string[] | undefined {
    const record = this.#records.get(repository)
    return record && [...record.tags.keys()].sort()
  }

  /**
   * Descriptors of the repository's manifests whose subject is `digest`, annotations included
   * (read from the manifest itself when too large for the record).
   */
  async referrers(repository: string, digest: string): Promise<Descriptor[]> {
    const record = this.#records.get(repository)
    if (record === undefined) return []
    const found = [...record.manifests]
      .filter(([, m]) => m.subject === digest)
      .sort(([a], [b]) => (a < b ? -1 : 1))
    return Promise.all(
      found.map(async ([d, m]) => {
        const annotations = m.annotationsInManifest
          ? annotationsOf(await this.blobs.readAll(d))
          : m.annotations
        return {
          mediaType: m.mediaType,
          digest: d,
          size: m.size,
          ...(m.artifactType && { artifactType: m.artifactType }),
          ...(annotations && { annotations }),
        }
      }),
    )
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
      const emptied = isEmptyAfter(current, change)
      await this.#metadata.save(
        repository,
        change,
        emptied ? undefined : () => changedCopy(current, change),
      )
      if (emptied) this.#records.delete(repository)
      else if (current === undefined) this.#records.set(repository, changedCopy(undefined, change))
      else applyChange(current, change)
      return true
    })
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
