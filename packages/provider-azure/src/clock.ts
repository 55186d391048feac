/**
 * Time as the provider sees it: the rate limiter and the retry back-off wait on it. Inject a fake
 * one in tests so limits and `Retry-After` are checked without real sleeps.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Resolve after `ms` milliseconds. */
  sleep(ms: number): Promise<void>
}

/** The real clock: `Date.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
}
