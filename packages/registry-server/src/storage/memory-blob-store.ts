import type { Writable } from 'node:stream'
import { CompactChunkList } from '../compact-chunk-list.js'
import type {
  BlobInfo,
  BlobStore,
  ByteRange,
  OpenBlob,
  StoredChunks,
  UploadMeta,
} from './blob-store.js'
import { drainedOrClosed } from './drained-or-closed.js'
import { SEND_PIECE_BYTES } from './file-sender.js'

interface Upload {
  meta: UploadMeta
  // Tiny chunks joined as they come: one Buffer per one-byte chunk would cost ~70 bytes a byte.
  chunks: CompactChunkList
  size: number
}

/** Blobs and uploads in memory, for tests and throwaway registries. */
export class MemoryBlobStore implements BlobStore {
  readonly #blobs = new Map<string, { bytes: Buffer; createdAt: Date }>()
  readonly #uploads = new Map<string, Upload>()

  async stat(digest: string): Promise<BlobInfo | undefined> {
    const blob = this.#blobs.get(digest)
    return blob && { size: blob.bytes.byteLength, createdAt: blob.createdAt }
  }

  async open(digest: string): Promise<OpenBlob | undefined> {
    // The bytes as they are now: a delete meanwhile drops the map's entry, not this reference.
    const bytes = this.#blobs.get(digest)?.bytes
    return (
      bytes && {
        size: bytes.byteLength,
        send: (d, r) => sendBytes(bytes, d, r),
        close: async () => {},
      }
    )
  }

  async readAll(digest: string): Promise<Buffer | undefined> {
    return this.#blobs.get(digest)?.bytes
  }

  async writeSmall(digest: string, bytes: Buffer): Promise<void> {
    this.#blobs.set(digest, {
      bytes: this.#blobs.get(digest)?.bytes ?? bytes,
      createdAt: new Date(),
    })
  }

  async delete(digest: string): Promise<void> {
    this.#blobs.delete(digest)
  }

  async touch(digest: string): Promise<void> {
    const blob = this.#blobs.get(digest)
    if (blob) blob.createdAt = new Date()
  }

  async *list(): AsyncIterable<string> {
    yield* [...this.#blobs.keys()]
  }

  async createUpload(id: string, meta: UploadMeta): Promise<void> {
    this.#uploads.set(id, { meta, chunks: new CompactChunkList(), size: 0 })
  }

  async uploadState(id: string): Promise<(UploadMeta & { size: number }) | undefined> {
    const upload = this.#uploads.get(id)
    return upload && { ...upload.meta, size: upload.size }
  }

  async append(
    id: string,
    source: AsyncIterable<Uint8Array>,
    onStored: StoredChunks,
  ): Promise<number> {
    const upload = this.#uploads.get(id)
    if (upload === undefined) throw new Error(`upload ${id} not found`)
    let written = 0
    for await (const chunk of source) {
      const { byteLength } = chunk
      upload.chunks.push(Buffer.from(chunk))
      upload.size += byteLength
      written += byteLength
      // No file holds the bytes: a hash must take them from the chunk.
      await onStored([chunk], undefined)
    }
    return written
  }

  async truncateUpload(id: string, size: number): Promise<void> {
    const upload = this.#uploads.get(id)
    if (upload === undefined || upload.size <= size) return
    const kept = new CompactChunkList()
    kept.push(upload.chunks.concat().subarray(0, size))
    upload.chunks = kept
    upload.size = size
  }

  async *readUpload(id: string): AsyncIterable<Uint8Array> {
    yield* this.#uploads.get(id)?.chunks.chunks() ?? []
  }

  async commitUpload(id: string, digest: string): Promise<void> {
    const upload = this.#uploads.get(id)
    if (upload === undefined) throw new Error(`upload ${id} not found`)
    const bytes = this.#blobs.get(digest)?.bytes ?? upload.chunks.concat()
    this.#blobs.set(digest, { bytes, createdAt: new Date() })
    this.#uploads.delete(id)
  }

  async deleteUpload(id: string): Promise<void> {
    this.#uploads.delete(id)
  }

  async listUploads(): Promise<string[]> {
    return [...this.#uploads.keys()]
  }

  async uploadChangedAt(id: string): Promise<number | undefined> {
    return this.#uploads.get(id)?.meta.startedAt
  }
}

// In pieces, as from files: the send timeout counts a piece the client took as progress, so a
// slow client of a large blob is not cut while it keeps reading.
async function sendBytes(bytes: Buffer, destination: Writable, range?: ByteRange): Promise<void> {
  const part = range ? bytes.subarray(range.start, range.end + 1) : bytes
  for (let at = 0; at < part.byteLength && !destination.destroyed; at += SEND_PIECE_BYTES) {
    if (!destination.write(part.subarray(at, at + SEND_PIECE_BYTES)))
      await drainedOrClosed(destination)
  }
}
