import { execFileSync } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'

/** Resolve after `ms` milliseconds. */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Holds every thread of this process's libuv pool (where file operations run), so a test can
 * queue file operations of the server (which runs in this process) and of its own in a known
 * order, then let them run one at a time in that order. Each thread is held by opening a FIFO
 * for reading, which blocks until a writer opens it. POSIX only (`mkfifo`).
 */
export class ThreadPoolGate {
  readonly #fifos: string[]
  readonly #held: Promise<unknown>[]
  #released = 0

  private constructor(fifos: string[]) {
    this.#fifos = fifos
    this.#held = fifos.map((fifo) => open(fifo, 'r').then((file) => file.close()))
  }

  /** Hold all `UV_THREADPOOL_SIZE` (default 4) threads, using FIFOs made in `dir`. */
  static async close(dir: string): Promise<ThreadPoolGate> {
    const size = Number(process.env.UV_THREADPOOL_SIZE ?? 4)
    const fifos = Array.from({ length: size }, (_, i) => join(dir, `gate-${i}`))
    execFileSync('mkfifo', fifos)
    const gate = new ThreadPoolGate(fifos)
    // The opens are queued at once; give the threads a moment to pick them up and block.
    await sleep(50)
    return gate
  }

  /**
   * Free one thread: what is queued then runs one operation at a time, in the order queued.
   * The writer's open (on this thread, not the pool) completes the held reader's open.
   */
  releaseOne(): void {
    const fifo = this.#fifos[this.#released++]
    if (fifo === undefined) return
    // Closed at once: the reader's open has completed by then, and it reads nothing.
    closeSync(openSync(fifo, 'w'))
  }

  /** Free every thread still held. */
  async open(): Promise<void> {
    while (this.#released < this.#fifos.length) this.releaseOne()
    await Promise.all(this.#held)
  }
}

export { sleep }
