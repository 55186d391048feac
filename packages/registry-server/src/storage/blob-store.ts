import type { Writable } from 'node:stream'
import type { DigestAlgorithm } from '../digest.js'
import type { WrittenChunks } from './append-writer.js'

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

/**
 * Content-addressed blob storage plus upload sessions. Two implementations: the filesystem (data
 * written to a temp file, fsync + rename only after the digest matches) and memory (tests).
 */
export interface BlobStore {
  stat(digest: string): Promise<BlobInfo | undefined>
  /** Write a committed blob (or part of it) to `destination`, without ending it. */
  send(digest: string, destination: Writable, range?: ByteRange): Promise<void>
  /** Read a small committed blob (a manifest) whole. */
  readAll(digest: string): Promise<Buffer>
  /** Store a small blob whose digest the caller computed (manifests), atomically. */
  writeSmall(digest: string, bytes: Buffer): Promise<void>
  delete(digest: string): Promise<void>
  /** Mark a blob as just used, so garbage collection counts its grace period from now. */
  touch(digest: string): Promise<void>
  /** Every committed digest (for garbage collection). */
  list(): AsyncIterable<string>

  createUpload(id: string, meta: UploadMeta): Promise<void>
  /** Session metadata and the bytes received so far; `undefined` when unknown. */
  uploadState(id: string): Promise<(UploadMeta & { size: number }) | undefined>
  /**
   * Append a stream to the upload. Once stored, its chunks go to `onStored` in order (for
   * hashing), which may take their buffers; a promise it returns holds the stream back. Returns
   * bytes appended. Nothing is opened until the first chunk arrives: a request that sends no
   * bytes holds no file.
   */
  append(id: string, source: AsyncIterable<Uint8Array>, onStored: WrittenChunks): Promise<number>
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
}
