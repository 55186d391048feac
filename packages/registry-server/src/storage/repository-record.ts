/** What the registry keeps about one manifest of a repository. */
export interface ManifestRecord {
  mediaType: string
  size: number
  /** Digest of the manifest's `subject`, when it has one (referrers API). */
  subject?: string
  /** The manifest's artifactType, else its config media type (image manifests). */
  artifactType?: string
  annotations?: Record<string, string>
  /** Blobs and child manifests it references (garbage collection marks these). */
  references: string[]
  /** Epoch milliseconds. */
  createdAt: number
}

/** One repository's metadata. Written as a whole, atomically, on every change. */
export interface RepositoryRecord {
  manifests: Record<string, ManifestRecord>
  tags: Record<string, string>
  /** Blobs linked into the repository (pushed or mounted here): only these are readable here. */
  blobs: Record<string, true>
}

/** A fresh, empty record. */
export function emptyRecord(): RepositoryRecord {
  return { manifests: {}, tags: {}, blobs: {} }
}

/** Whether the repository holds anything at all. */
export function isEmptyRecord(record: RepositoryRecord): boolean {
  return (
    Object.keys(record.manifests).length === 0 &&
    Object.keys(record.tags).length === 0 &&
    Object.keys(record.blobs).length === 0
  )
}
