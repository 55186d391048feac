import type { DigestAlgorithm } from '../digest.js'

/**
 * One upload's running hash. Chunks are handed over in order once they are stored; the digest
 * is asked once, at the end. A digest that rejects (its hash was lost) means: hash the stored
 * bytes again.
 */
export interface UploadHasher {
  readonly algorithm: DigestAlgorithm
  /**
   * Hash `chunks` next. Their buffers may be taken (a chunk can read as empty afterwards), so the
   * caller must be done with them. Returns a promise when the caller should wait before sending
   * more.
   */
  update(chunks: readonly Uint8Array[]): Promise<void> | undefined
  /** `algorithm:hex` of every chunk sent; once. */
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
