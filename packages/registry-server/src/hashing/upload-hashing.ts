import type { DigestAlgorithm } from '../digest.js'
import type { StoredRange } from '../storage/blob-store.js'

/**
 * One upload's running hash. Each write is handed over in order once it is stored; the digest is
 * asked once, at the end. A digest that rejects (its hash was lost) means: hash the stored bytes
 * again.
 */
export interface UploadHasher {
  readonly algorithm: DigestAlgorithm
  /**
   * Hash one write next: its `chunks` (read now, never kept: they are freed on return) or, for a
   * store on disk, the bytes where they are `stored`. Returns a promise when the caller should
   * wait before writing more.
   */
  update(chunks: readonly Uint8Array[], stored: StoredRange | undefined): Promise<void> | undefined
  /** `algorithm:hex` of every write handed over; once. */
  digest(): Promise<string>
  /** Drop the hash without a digest (the upload failed or is gone). */
  discard(): void
}

/** Where a registry's uploads are hashed: on the main thread, or on a pool of worker threads. */
export interface UploadHashing {
  /** Start the hash of one upload. */
  hasher(algorithm: DigestAlgorithm): UploadHasher
  /** Stop what the hashing runs on; hashes still open are lost (their digests reject). */
  close(): Promise<void>
}
