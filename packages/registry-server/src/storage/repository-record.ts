/** What the registry keeps about one manifest of a repository. */
export interface ManifestRecord {
  mediaType: string
  size: number
  /** Digest of the manifest's `subject`, when it has one (referrers API). */
  subject?: string
  /** The manifest's artifactType, else its config media type (image manifests). */
  artifactType?: string
  annotations?: Record<string, string>
  /**
   * Set instead of `annotations` when they are too large to keep here (see
   * `MAX_RECORDED_ANNOTATIONS`): the referrers API reads them from the manifest itself.
   */
  annotationsInManifest?: true
  /** Blobs and child manifests it references (garbage collection marks these). */
  references: string[]
  /** Epoch milliseconds. */
  createdAt: number
}

/**
 * One repository's metadata. Kept on disk as a record file and a log of changes (see
 * `metadata-store.ts`). Keyed by strings
 * clients choose (tags above all), so it holds `Map`s and a `Set`: in a plain object a tag named
 * `__proto__` would be swallowed by the prototype setter and `toString` found where no tag is.
 */
export interface RepositoryRecord {
  /** By digest. */
  manifests: Map<string, ManifestRecord>
  /** Tag → manifest digest. */
  tags: Map<string, string>
  /** Blobs linked into the repository (pushed or mounted here): only these are readable here. */
  blobs: Set<string>
}

/**
 * A record as its JSON file holds it: objects keyed by digest and tag, and the repository's name,
 * which the file's own name cannot always carry (long names are stored under a hash).
 */
export interface StoredRepositoryRecord {
  /** Absent in files written before names were stored: the file name is the name then. */
  name?: string
  /**
   * Which lines of the repository's log follow this file (see `record-log.ts`). Absent in files
   * written before logs were kept.
   */
  epoch?: string
  manifests: Record<string, ManifestRecord>
  tags: Record<string, string>
  blobs: Record<string, true>
}

/** A fresh, empty record. */
export function emptyRecord(): RepositoryRecord {
  return { manifests: new Map(), tags: new Map(), blobs: new Set() }
}

/** Whether the repository holds anything at all. */
export function isEmptyRecord(record: RepositoryRecord): boolean {
  return record.manifests.size === 0 && record.tags.size === 0 && record.blobs.size === 0
}

/**
 * The JSON form of a record. `Object.fromEntries` defines its keys as own properties, so a tag
 * named `__proto__` is written like any other.
 */
export function storedRecord(name: string, record: RepositoryRecord): StoredRepositoryRecord {
  return {
    name,
    manifests: Object.fromEntries(record.manifests),
    tags: Object.fromEntries(record.tags),
    blobs: Object.fromEntries([...record.blobs].map((digest) => [digest, true as const])),
  }
}

/**
 * A record read back from its JSON form. `JSON.parse` makes every key an own property and
 * `Object.entries` lists exactly those, so nothing comes from, or goes to, a prototype.
 */
export function recordFromStored(stored: StoredRepositoryRecord): RepositoryRecord {
  return {
    manifests: new Map(Object.entries(stored.manifests ?? {})),
    tags: new Map(Object.entries(stored.tags ?? {})),
    blobs: new Set(Object.keys(stored.blobs ?? {})),
  }
}
