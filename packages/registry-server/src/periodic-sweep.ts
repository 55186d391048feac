import { performance } from 'node:perf_hooks'

/** What a sweep decides for one item: look at it again next time, or forget it. */
export type SweepVerdict = 'keep' | 'drop'

/**
 * Items looked at a few times per `periodMs` by one timer, which runs only while there are items
 * (and never keeps the process alive): how the reapers watch many requests or connections at no
 * cost per byte.
 */
export class PeriodicSweep<T> {
  readonly #periodMs: number
  readonly #look: (item: T, now: number) => SweepVerdict
  readonly #items = new Set<T>()
  #timer: NodeJS.Timeout | undefined

  /** @param look called for each item at each sweep, with the time (`performance.now()`) */
  constructor(periodMs: number, look: (item: T, now: number) => SweepVerdict) {
    this.#periodMs = periodMs
    this.#look = look
  }

  add(item: T): void {
    this.#items.add(item)
    this.#timer ??= setInterval(() => this.#sweep(), Math.max(10, this.#periodMs / 4)).unref()
  }

  delete(item: T): void {
    this.#items.delete(item)
  }

  /** Forget every item and stop the timer (the server is closing). */
  close(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#items.clear()
  }

  #sweep(): void {
    const now = performance.now()
    for (const item of this.#items) {
      if (this.#look(item, now) === 'drop') this.#items.delete(item)
    }
    if (this.#items.size === 0) this.close()
  }
}
