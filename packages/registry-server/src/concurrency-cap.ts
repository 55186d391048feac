import { OciError } from './oci-errors.js'
import type { CapLimits } from './request-limits.js'

/** How a {@link ConcurrencyCap} answers a refusal. */
export interface CapRefusal {
  /** What is counted, for the error's detail ("upload sessions"). */
  what: string
  /** The `Retry-After` sent with the 429, in seconds. */
  retryAfterSeconds: number
  /** More headers for the 429 (`Connection: close` to drop a refused body's connection). */
  headers?: Record<string, string>
}

/**
 * Counts what each credential holds (upload sessions, uploads in progress) against a cap per
 * credential and a cap for everyone together, so that one credential can neither exhaust the
 * server nor crowd out the others. Counting is in memory and costs nothing per byte.
 */
export class ConcurrencyCap {
  readonly #limits: CapLimits
  readonly #refusal: CapRefusal
  readonly #held = new Map<string, number>()
  #total = 0

  constructor(limits: CapLimits, refusal: CapRefusal) {
    this.#limits = limits
    this.#refusal = refusal
  }

  /**
   * Take one for `subject`.
   * @throws OciError TOOMANYREQUESTS (429, `Retry-After`) when `subject`, or everyone together,
   *   already holds the most allowed; nothing is taken then.
   */
  take(subject: string): void {
    const held = this.#held.get(subject) ?? 0
    const { perCredential, total } = this.#limits
    if (held >= perCredential)
      throw this.#tooMany(`${this.#refusal.what} per credential`, perCredential)
    if (this.#total >= total) throw this.#tooMany(this.#refusal.what, total)
    this.hold(subject)
  }

  /** Whether everyone together holds the most allowed: any `take` would be refused. */
  get atTotal(): boolean {
    return this.#total >= this.#limits.total
  }

  /** Count one for `subject` whatever the caps (what it already held before a restart). */
  hold(subject: string): void {
    this.#held.set(subject, (this.#held.get(subject) ?? 0) + 1)
    this.#total += 1
  }

  /** Give back one of `subject`'s. */
  release(subject: string): void {
    const held = this.#held.get(subject) ?? 0
    if (held === 0) return
    if (held === 1) this.#held.delete(subject)
    else this.#held.set(subject, held - 1)
    this.#total -= 1
  }

  #tooMany(limit: string, max: number): OciError {
    return new OciError('TOOMANYREQUESTS', {
      detail: { limit, max },
      headers: {
        'Retry-After': String(this.#refusal.retryAfterSeconds),
        ...this.#refusal.headers,
      },
    })
  }
}
