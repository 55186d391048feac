import type { DigestAlgorithm } from '../digest.js'
import type { StoredRange } from '../storage/blob-store.js'
import { HashThread } from './hash-thread.js'
import type { UploadHasher, UploadHashing } from './upload-hashing.js'

const MiB = 1024 * 1024

// From the build the worker is plain JavaScript; from the sources (tests) Node strips its types.
const WORKER_SCRIPT = new URL(
  import.meta.url.endsWith('.ts') ? './hash-worker.ts' : './hash-worker.js',
  import.meta.url,
)

/** How a {@link HashPool} is sized. */
export interface HashPoolOptions {
  /** Worker threads, at least one (default 1). */
  threads?: number
  /**
   * Bytes written and not hashed yet on one thread past which writers wait (default 32 MiB). The
   * worker reads them back from the page cache, so this holds no memory of ours; it keeps the
   * worker close enough behind that the bytes are still cached and the digest is ready soon
   * after the last write (32 MiB is about 20 ms of sha256).
   */
  maxPendingBytes?: number
}

/**
 * A few long-lived worker threads that hash uploads for every session of the process, so the
 * main thread only receives and writes: on a push, sha256 was about half of its CPU. A worker
 * reads each write back from the upload's file (from the page cache) into a buffer of its own:
 * nothing moves between threads but offsets, the main thread frees each received chunk as soon
 * as it is written and reuses that memory, and the digest is of the bytes as stored. A hash
 * stays on the thread it started on (its state lives there); new ones go to the thread with the
 * fewest open hashes, and a thread that died is replaced for the next.
 */
export class HashPool implements UploadHashing {
  readonly #threads: (HashThread | undefined)[]
  readonly #maxPendingBytes: number
  #nextId = 1

  constructor(options: HashPoolOptions = {}) {
    const threads = options.threads ?? 1
    this.#threads = Array.from({ length: threads }, () => undefined)
    // Shared by every upload on the thread. At 8 MiB, 8 concurrent pushes (1 MiB writes each)
    // kept filling it, and every writer then stopped reading its socket until the thread caught
    // up. Alternated with 8 MiB, 32 MiB took 8 concurrent 64 MiB pushes from about 600 to 700
    // MB/s in each of three sittings of a client of our own without auth (16 MiB: about 660; 64
    // MiB: as 32), and in the benchmark's scenario from medians of 621 and 605 to 674 and 627
    // MB/s. A single 512 MiB push went from 0.66-0.91 s to 0.57-0.76 s, with less CPU on the
    // main thread (fewer pauses).
    this.#maxPendingBytes = options.maxPendingBytes ?? 32 * MiB
  }

  /** Start a hash on a worker thread. */
  hasher(algorithm: DigestAlgorithm): OffThreadHasher {
    const thread = this.#leastBusy()
    const id = this.#nextId++
    thread.start(id, algorithm)
    return new OffThreadHasher(thread, id, algorithm)
  }

  /** Stop every thread; hashes still open are lost (their digests reject). */
  async close(): Promise<void> {
    const threads = [...this.#threads]
    this.#threads.fill(undefined)
    await Promise.all(threads.map((thread) => thread?.terminate()))
  }

  // An idle thread first, then a new one while there is room, then the least busy.
  #leastBusy(): HashThread {
    let best: HashThread | undefined
    let vacant: number | undefined
    for (const [i, thread] of this.#threads.entries()) {
      if (thread === undefined || thread.failed) vacant ??= i
      else if (best === undefined || thread.open < best.open) best = thread
    }
    if (best !== undefined && (best.open === 0 || vacant === undefined)) return best
    if (vacant === undefined) throw new Error('a hash pool needs at least one thread')
    const fresh = new HashThread(WORKER_SCRIPT, this.#maxPendingBytes)
    this.#threads[vacant] = fresh
    return fresh
  }
}

/**
 * One upload's hash, computed on a {@link HashPool} thread from the upload's file. Writes are
 * handed over in order once stored; the digest is asked once, at the end. A hash whose thread died,
 * or that was given a write without a file, rejects its digest: the caller hashes the stored bytes
 * again.
 */
export class OffThreadHasher implements UploadHasher {
  readonly algorithm: DigestAlgorithm
  readonly #thread: HashThread
  readonly #id: number
  #ended = false
  #lost = false

  /** @internal made by {@link HashPool.hasher} */
  constructor(thread: HashThread, id: number, algorithm: DigestAlgorithm) {
    this.#thread = thread
    this.#id = id
    this.algorithm = algorithm
  }

  /**
   * Hash the write `stored` next, read back by the thread from the file (`chunks` are not used).
   * Returns a promise when the caller should wait before writing more (the thread is behind).
   */
  update(
    _chunks: readonly Uint8Array[],
    stored: StoredRange | undefined,
  ): Promise<void> | undefined {
    if (this.#ended) return undefined
    if (stored === undefined) {
      // Bytes held only in memory cannot be read back by the thread: give the hash up, and the
      // digest is computed from what the store holds at commit.
      this.#lost = true
      this.discard()
      return undefined
    }
    return this.#thread.update(this.#id, stored)
  }

  /** `algorithm:hex` of every write handed over; once. */
  async digest(): Promise<string> {
    if (this.#lost) throw new Error('this hash was given a write it cannot read back')
    if (this.#ended) throw new Error('this hash has ended')
    this.#ended = true
    return `${this.algorithm}:${await this.#thread.digest(this.#id)}`
  }

  /** Drop the hash without a digest (the upload failed or is gone). */
  discard(): void {
    if (this.#ended) return
    this.#ended = true
    this.#thread.discard(this.#id)
  }
}
