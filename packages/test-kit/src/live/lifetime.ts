/** When a call started and ended, by this machine's clock (ms). */
export interface CallTiming {
  readonly startedAt: number
  readonly endedAt: number
}

/** Runs `call` and notes when it started and ended. */
export async function timed<T>(call: () => Promise<T>): Promise<CallTiming & { value: T }> {
  const startedAt = Date.now()
  const value = await call()
  return { value, startedAt, endedAt: Date.now() }
}

/**
 * The lifetime a cloud gave something that expires at `expiresAt` and was issued during `call`,
 * in seconds: at least `expiresAt − endedAt`, at most `expiresAt − startedAt`.
 */
export function observedLifetime(
  expiresAt: Date,
  call: CallTiming,
): { shortestSeconds: number; longestSeconds: number } {
  return {
    shortestSeconds: (expiresAt.getTime() - call.endedAt) / 1000,
    longestSeconds: (expiresAt.getTime() - call.startedAt) / 1000,
  }
}

/**
 * Why a lifetime is not the `expectedSeconds` the docs assume, or `undefined` when it is: the
 * observed range, widened by `skewSeconds` either side (the cloud's clock is not this machine's),
 * must hold `expectedSeconds`. Use as `expect(lifetimeMismatch(…)).toBeUndefined()`, which shows
 * the reason when it fails.
 */
export function lifetimeMismatch(
  expiresAt: Date,
  call: CallTiming,
  expectedSeconds: number,
  skewSeconds: number,
): string | undefined {
  const { shortestSeconds, longestSeconds } = observedLifetime(expiresAt, call)
  const fits =
    expectedSeconds >= shortestSeconds - skewSeconds &&
    expectedSeconds <= longestSeconds + skewSeconds
  if (fits) return undefined
  return (
    `expected a lifetime of ${expectedSeconds} s (± ${skewSeconds} s), ` +
    `observed ${describeRange(shortestSeconds, longestSeconds)} (expires ${expiresAt.toISOString()})`
  )
}

/** A lifetime range for a report, e.g. `4499–4500 s`. */
export function describeRange(shortestSeconds: number, longestSeconds: number): string {
  return `${Math.round(shortestSeconds)}–${Math.round(longestSeconds)} s`
}
