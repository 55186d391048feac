import type { FileHandle } from 'node:fs/promises'

const WRITE_BATCH = 1024 * 1024
const SYNC_EVERY = 64 * 1024 * 1024

/**
 * Appends a stream of small chunks to a file efficiently and in order:
 * - chunks (~64 KiB from a socket) are gathered into 1 MiB `writev`s, saving most syscalls;
 * - one write is in flight while the next batch is received, so receiving and writing overlap
 *   instead of taking turns;
 * - every 64 MiB a `datasync` starts in the background, so the fsync at commit is short.
 * `finish()` must be awaited (it rethrows a failed write); `settle()` waits for whatever is
 * still running, for the `finally` that closes the file.
 */
export class AppendWriter {
  readonly #file: FileHandle
  #batch: Uint8Array[] = []
  #batched = 0
  #written = 0
  #unsynced = 0
  #writing: Promise<void> | undefined
  #syncing: Promise<void> | undefined

  constructor(file: FileHandle) {
    this.#file = file
  }

  /** Queue a chunk; resolves when the caller may send the next one. */
  async push(chunk: Uint8Array): Promise<void> {
    this.#batch.push(chunk)
    this.#batched += chunk.byteLength
    if (this.#batched >= WRITE_BATCH) await this.#flush()
  }

  /** Write what is left and wait for every write; returns the bytes appended. */
  async finish(): Promise<number> {
    await this.#flush()
    await this.#writing
    return this.#written
  }

  /** Wait for running writes and syncs, ignoring their errors (they were or will be reported). */
  async settle(): Promise<void> {
    await this.#writing?.catch(() => {})
    await this.#syncing?.catch(() => {})
  }

  async #flush(): Promise<void> {
    // At most one write in flight: appends stay in order, and memory stays at two batches.
    await this.#writing
    if (this.#batched === 0) return
    const batch = this.#batch
    const size = this.#batched
    this.#batch = []
    this.#batched = 0
    this.#writing = this.#file.writev(batch).then(() => {
      this.#written += size
      this.#unsynced += size
      if (this.#unsynced >= SYNC_EVERY && this.#syncing === undefined) {
        this.#unsynced = 0
        this.#syncing = this.#file.datasync().finally(() => {
          this.#syncing = undefined
        })
      }
    })
    // A failure is rethrown by the next await of #writing; this only marks it handled meanwhile.
    this.#writing.catch(() => {})
  }
}
