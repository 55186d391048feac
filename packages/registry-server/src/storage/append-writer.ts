import type { FileHandle } from 'node:fs/promises'
import { releaseMemory } from './release-memory.js'

const WRITE_BATCH = 1024 * 1024
// Linux's IOV_MAX: a `writev` takes no more buffers at once. It also bounds what a client sending
// one byte per TCP segment makes the writer hold: each chunk costs ~70 bytes of heap, so 1 MiB of
// such chunks would hold ~70 MiB. Chunks from a socket at full speed (~64 KiB) fill the byte
// batch long before this.
const WRITE_BATCH_CHUNKS = 1024

/** Told after each write the byte offsets it covered in the file, `[from, to)`. */
export type WriteListener = (from: number, to: number) => void

/**
 * Given the chunks of each write once they are in the file, in file order, with the offsets
 * `[from, to)` they now occupy (to hash them). It must not keep the chunks: the writer frees them
 * when it returns. A promise it returns holds the next write back (back-pressure).
 */
export type WrittenChunks = (
  chunks: readonly Uint8Array[],
  from: number,
  to: number,
) => Promise<void> | undefined

/**
 * Appends a stream of small chunks to a file efficiently and in order:
 * - chunks (~64 KiB from a socket) are gathered into 1 MiB `writev`s, saving most syscalls; tiny
 *   chunks (a client that trickles) are written every 1024 chunks, so the writer never holds more
 *   than two batches of chunks whatever their size;
 * - one write is in flight while the next batch is received, so receiving and writing overlap
 *   instead of taking turns;
 * - the writer owns the chunks it is given: once written, they go to `onChunks`, then their
 *   memory is released at once (see {@link releaseMemory}) rather than left for the garbage
 *   collector.
 * `finish()` must be awaited (it rethrows a failed write); `settle()` waits for a write still
 * running, for the `finally` that closes the file.
 */
export class AppendWriter {
  readonly #file: FileHandle
  readonly #onWritten: WriteListener | undefined
  readonly #onChunks: WrittenChunks | undefined
  readonly #start: number
  #offset: number
  #batch: Uint8Array[] = []
  #batched = 0
  #writing: Promise<void> | undefined

  /**
   * @param file opened for appending
   * @param offset the file's size when the writer starts, for `onWritten`'s offsets
   */
  constructor(file: FileHandle, offset = 0, onWritten?: WriteListener, onChunks?: WrittenChunks) {
    this.#file = file
    this.#start = offset
    this.#offset = offset
    this.#onWritten = onWritten
    this.#onChunks = onChunks
  }

  /** Queue a chunk, which the writer now owns; resolves when the caller may send the next one. */
  async push(chunk: Uint8Array): Promise<void> {
    this.#batch.push(chunk)
    this.#batched += chunk.byteLength
    if (this.#batched >= WRITE_BATCH || this.#batch.length >= WRITE_BATCH_CHUNKS)
      await this.#flush()
  }

  /** Write what is left and wait for every write; returns the bytes appended. */
  async finish(): Promise<number> {
    await this.#flush()
    await this.#writing
    return this.#offset - this.#start
  }

  /** Wait for a running write, ignoring its error (it was or will be reported). */
  async settle(): Promise<void> {
    await this.#writing?.catch(() => {})
  }

  async #flush(): Promise<void> {
    // At most one write in flight: appends stay in order, and memory stays at two batches.
    await this.#writing
    if (this.#batched === 0) return
    const batch = this.#batch
    const size = this.#batched
    this.#batch = []
    this.#batched = 0
    this.#writing = this.#file.writev(batch).then(async ({ bytesWritten }) => {
      // A regular file takes a write whole unless the disk is full; never count bytes not there.
      if (bytesWritten !== size) {
        throw Object.assign(
          new Error(`short write: ${bytesWritten} of ${size} bytes (is the disk full?)`),
          { code: 'ENOSPC' },
        )
      }
      const from = this.#offset
      this.#offset += size
      this.#onWritten?.(from, this.#offset)
      const handedOver = this.#onChunks?.(batch, from, this.#offset)
      for (const chunk of batch) releaseMemory(chunk)
      await handedOver
    })
    // A failure is rethrown by the next await of #writing; this only marks it handled meanwhile.
    this.#writing.catch(() => {})
  }
}
