import { open } from 'node:fs/promises'

const DEFAULT_EVERY = 64 * 1024 * 1024

/**
 * Flushes files that are being appended to in the background: each time a file grows past
 * another `every` bytes, an `fdatasync` starts on a handle of its own. The fsync that commits a
 * blob then has little left to write, a request never waits for one of these, and the pace holds
 * across the many requests of a chunked upload. At most one runs per file at a time.
 *
 * A failed sync is remembered and rethrown by {@link settled}: on Linux a write-back error is
 * reported once, so swallowing it here could let a later fsync succeed on corrupt data.
 */
export class BackgroundSync {
  readonly #every: number
  readonly #running = new Map<string, Promise<void>>()
  readonly #failed = new Map<string, unknown>()

  constructor(every: number = DEFAULT_EVERY) {
    this.#every = every
  }

  /** Report that the file at `path` grew from `from` to `to` bytes. */
  grew(path: string, from: number, to: number): void {
    if (Math.floor(to / this.#every) === Math.floor(from / this.#every)) return
    if (this.#running.has(path)) return
    const running = syncData(path)
      .catch((error: unknown) => {
        this.#failed.set(path, error)
      })
      .finally(() => this.#running.delete(path))
    this.#running.set(path, running)
  }

  /** Wait for the sync of `path`, if one runs; throws if any of its syncs failed. */
  async settled(path: string): Promise<void> {
    await this.#running.get(path)
    const error = this.#failed.get(path)
    this.#failed.delete(path)
    if (error !== undefined) throw error
  }

  /** Wait for the sync of `path` and forget its failures (the file is being deleted). */
  async forget(path: string): Promise<void> {
    await this.#running.get(path)
    this.#failed.delete(path)
  }
}

async function syncData(path: string): Promise<void> {
  const file = await open(path, 'r')
  try {
    await file.datasync()
  } finally {
    await file.close()
  }
}
