import { open } from 'node:fs/promises'

// Small enough that a 64 MiB blob is mostly on disk when its commit's fsync starts: with 64 MiB
// steps, 8 concurrent pushes of 64 MiB each left their whole blob to that fsync, and the
// aggregate rate fell by about a fifth (measured with the benchmark's concurrent scenario: 16, 8
// and 4 MiB all did about as well). Large enough that a sync is rare next to the writes.
const DEFAULT_EVERY = 16 * 1024 * 1024

/** Flushes a file's data to disk (`fdatasync`). */
export type SyncFile = (path: string) => Promise<void>

/**
 * Flushes files that are being appended to in the background: each time a file grows past
 * another `every` bytes, an `fdatasync` starts on a handle of its own. The fsync that commits a
 * blob then has little left to write, a request never waits for one of these, and the pace holds
 * across the many requests of a chunked upload. At most one runs per file at a time, and at most
 * `maxRunning` in all: the others wait their turn, in order (see {@link defaultMaxRunning}).
 *
 * A failed sync is remembered until the file is forgotten, and every {@link settled} rethrows
 * it: Linux reports a write-back error once, so a later fsync of the same file may succeed
 * although its data never reached the disk.
 */
export class BackgroundSync {
  readonly #every: number
  readonly #sync: SyncFile
  readonly #running = new Map<string, Promise<void>>()
  /** Files whose sync waits for one of the running ones to end, in the order they asked. */
  readonly #waiting = new Set<string>()
  readonly #failed = new Map<string, unknown>()
  readonly #maxRunning: number

  constructor(
    every: number = DEFAULT_EVERY,
    sync: SyncFile = syncData,
    maxRunning: number = defaultMaxRunning(),
  ) {
    this.#every = every
    this.#sync = sync
    this.#maxRunning = maxRunning
  }

  /** Report that the file at `path` grew from `from` to `to` bytes. */
  grew(path: string, from: number, to: number): void {
    if (Math.floor(to / this.#every) === Math.floor(from / this.#every)) return
    if (this.#running.has(path)) return
    if (this.#running.size >= this.#maxRunning) {
      this.#waiting.add(path)
      return
    }
    this.#start(path)
  }

  /**
   * Wait for the sync of `path`, if one runs (one still waiting is dropped: the caller flushes the
   * file itself next); throws if any sync of it ever failed.
   */
  async settled(path: string): Promise<void> {
    this.#waiting.delete(path)
    await this.#running.get(path)
    if (this.#failed.has(path)) {
      throw new Error(`flushing ${path} to disk failed; its data may be incomplete`, {
        cause: this.#failed.get(path),
      })
    }
  }

  /** Wait for the sync of `path` and forget its failures (the file is being deleted). */
  async forget(path: string): Promise<void> {
    this.#waiting.delete(path)
    await this.#running.get(path)
    this.#failed.delete(path)
  }

  // --- Internal ---

  #start(path: string): void {
    const running = this.#sync(path)
      .catch((error: unknown) => {
        if (!this.#failed.has(path)) this.#failed.set(path, error)
      })
      .finally(() => {
        this.#running.delete(path)
        const next = this.#waiting.values().next()
        if (!next.done) {
          this.#waiting.delete(next.value)
          this.#start(next.value)
        }
      })
    this.#running.set(path, running)
  }
}

async function syncData(path: string): Promise<void> {
  // r+ rather than r: some systems refuse to flush a file opened read-only.
  const file = await open(path, 'r+')
  try {
    await file.datasync()
  } finally {
    await file.close()
  }
}

/**
 * Background syncs run on libuv's thread pool (`UV_THREADPOOL_SIZE`, 4 by default), as do the
 * uploads' writes, and an `fdatasync` holds its thread until the disk has the data. With 8
 * uploads at once, 8 syncs took every thread and the writes queued behind them while the
 * requests stopped reading their sockets. Two threads are left to writes: in the benchmark's 8
 * concurrent pushes of 64 MiB, alternated runs went from 564, 586 and 645 MB/s to 615, 631 and
 * 674 (the C reference, in the same runs, 964–1078).
 */
function defaultMaxRunning(): number {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4
  return Math.max(1, pool - 2)
}
