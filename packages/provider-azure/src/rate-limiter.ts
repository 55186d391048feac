import type { Clock } from './clock.js'

/** Registry SKUs of ACR. */
export type AcrSku = 'Basic' | 'Standard' | 'Premium'

/** Whether a call reads or changes the registry; each kind has its own limit. */
export type OperationKind = 'read' | 'write'

/** Client-side call limits per minute. */
export interface RateLimits {
  /** Reads (scope-map reads, token exchanges) per minute. */
  readonly readsPerMinute: number
  /** Writes (scope-map creates and deletes, repository deletes) per minute. */
  readonly writesPerMinute: number
}

/**
 * Limits per SKU. Reads follow ACR's documented ReadOps per minute. Writes are paced more
 * conservatively than ACR's documented WriteOps for Basic and Standard, because our writes are
 * ARM scope-map changes, which also count against ARM's own write throttling: a burst of
 * `createRepository` calls waits here instead of failing with 429 halfway through.
 */
export const SKU_RATE_LIMITS: Readonly<Record<AcrSku, RateLimits>> = {
  Basic: { readsPerMinute: 1_000, writesPerMinute: 10 },
  Standard: { readsPerMinute: 3_000, writesPerMinute: 100 },
  Premium: { readsPerMinute: 10_000, writesPerMinute: 2_000 },
}

const WINDOW_MS = 60_000

/**
 * A sliding-window limiter per operation kind: at most N calls start in any 60 s window. Callers
 * wait in arrival order; the wait is on the injected {@link Clock}.
 */
export class RateLimiter {
  readonly #windows: Partial<Record<OperationKind, SlidingWindow>>

  constructor(limits: RateLimits | false, clock: Clock) {
    this.#windows =
      limits === false
        ? {}
        : {
            read: new SlidingWindow(limits.readsPerMinute, clock),
            write: new SlidingWindow(limits.writesPerMinute, clock),
          }
  }

  /** Resolve when a call of `kind` may start. */
  acquire(kind: OperationKind): Promise<void> {
    return this.#windows[kind]?.acquire() ?? Promise.resolve()
  }
}

// --- Internal ---

class SlidingWindow {
  readonly #limit: number
  readonly #clock: Clock
  /** Start times of the calls in the current window, oldest first. */
  readonly #starts: number[] = []
  /** The turn of the last caller: each waits for the one before it, so order is kept. */
  #tail: Promise<void> = Promise.resolve()

  constructor(limit: number, clock: Clock) {
    this.#limit = limit
    this.#clock = clock
  }

  acquire(): Promise<void> {
    const turn = this.#tail.then(() => this.#take())
    this.#tail = turn.catch(() => {})
    return turn
  }

  async #take(): Promise<void> {
    for (;;) {
      const now = this.#clock.now()
      while (this.#starts.length > 0 && (this.#starts[0] ?? 0) <= now - WINDOW_MS)
        this.#starts.shift()
      const oldest = this.#starts[0]
      if (this.#starts.length < this.#limit || oldest === undefined) {
        this.#starts.push(now)
        return
      }
      await this.#clock.sleep(oldest + WINDOW_MS - now)
    }
  }
}
