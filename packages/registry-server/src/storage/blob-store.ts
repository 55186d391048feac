import type { Writable } from 'node:stream'
import type { DigestAlgorithm } from '../digest.js'

/** An inclusive byte range of a blob. */
export interface ByteRange {
  start: number
  end: number
}

/** A committed blob. */
export interface BlobInfo {
  size: number
  /** When it was committed; garbage collection spares young blobs. */
  createdAt: Date
}

/**
 * A committed blob held open for reading. Its bytes stay readable until `close()`, even once the
 * blob is deleted (a garbage collection may delete it meanwhile), so what was found is sent whole.
 */
export interface OpenBlob {
  /** Its size in bytes. */
  readonly size: number
  /** Write it (or part of it) to `destination`, without ending it. */
  send(destination: Writable, range?: ByteRange): Promise<void>
  /** Let go of it; may be called more than once. */
  close(): Promise<void>
}

/** What an upload session is, persisted so an upload survives a restart. */
export interface UploadMeta {
  repository: string
  algorithm: DigestAlgorithm
  /** Epoch milliseconds. */
  startedAt: number
  /**
   * Who started it (the authorizer's subject), counted against the upload session caps; absent in
   * sessions started before the caps existed.
   */
  owner?: string
}

/** Where the bytes of one write to an upload now are: `[from, to)` of the file at `path`. */
export interface StoredRange {
  path: string
  from: number
  to: number
}

/**
 * Told of each write to an upload once it is stored, in order (to hash it): its chunks, which it
 * may read but not keep (they are freed when it returns), and for a store on disk where the bytes
 * now are in the upload's file. A promise it returns holds the stream back.
 */
export type StoredChunks = (
  chunks: readonly Uint8Array[],
  stored: StoredRange | undefined,
) => Promise<void> | undefined

/**
 * Content-addressed blob storage plus upload sessions. Two implementations: the filesystem (data
 * written to a temp file, fsync + rename only after the digest matches) and memory (tests).
 */
export interface BlobStore {
  /**
   * The committed blob's size and age; `undefined` when there is none. Any other failure to
   * look (a disk error) rejects: a blob that cannot be read is not "unknown" to a client.
   */
  stat(digest: string): Promise<BlobInfo | undefined>
  /**
   * Open a committed blob to send it; `undefined` when there is none. Opened before anything is
   * answered: a blob deleted between a check and the read would otherwise cut the answer short.
   */
  open(digest: string): Promise<OpenBlob | undefined>
  /** Read a small committed blob (a manifest) whole; `undefined` when there is none. */
  readAll(digest: string): Promise<Buffer | undefined>
  /** Store a small blob whose digest the caller computed (manifests), atomically. */
  writeSmall(digest: string, bytes: Buffer): Promise<void>
  delete(digest: string): Promise<void>
  /** Mark a blob as just used, so garbage collection counts its grace period from now. */
  touch(digest: string): Promise<void>
  /** Every committed digest (for garbage collection). */
  list(): AsyncIterable<string>

  createUpload(id: string, meta: UploadMeta): Promise<void>
  /**
   * Session metadata and the bytes received so far; `undefined` when unknown (no such session,
   * or one whose state a crash left unreadable). Any other failure rejects: a session that
   * cannot be read at this moment still exists, and its client must not be told to start over.
   */
  uploadState(id: string): Promise<(UploadMeta & { size: number }) | undefined>
  /**
   * Append a stream to the upload. Each write, once stored, goes to `onStored` in order (for
   * hashing); a promise it returns holds the stream back. Returns bytes appended. Nothing is
   * opened until the first chunk arrives: a request that sends no bytes holds no file.
   */
  append(id: string, source: AsyncIterable<Uint8Array>, onStored: StoredChunks): Promise<number>
  /** Cut the upload back to its first `size` bytes (undoing a chunk that was refused). */
  truncateUpload(id: string, size: number): Promise<void>
  /** The bytes received so far (to rebuild the hash after a restart). */
  readUpload(id: string): AsyncIterable<Uint8Array>
  /**
   * Make the upload the blob `digest` (durably) and end the session. When its data may not have
   * reached the disk (an earlier flush failed), the upload is deleted and this throws.
   */
  commitUpload(id: string, digest: string): Promise<void>
  deleteUpload(id: string): Promise<void>
  listUploads(): Promise<string[]>
  /**
   * When the session's files were last created or removed (epoch ms), even when its state cannot
   * be read; `undefined` when nothing of it is stored (or `id` names no session). Rejects when
   * the storage cannot be read.
   */
  uploadChangedAt(id: string): Promise<number | undefined>
}
