import type { ArtifactRegistryError, ErrorContext } from '@artifact-registry/core'
import type { Clock } from './clock.js'
import { mapError, retryAfterMs } from './map-error.js'
import type { OperationKind } from './rate-limiter.js'

/**
 * Runs one platform call under the rate limiter and the retry policy, and maps what finally
 * fails to an ArtifactRegistryError.
 */
export type Caller = <T>(
  kind: OperationKind,
  context: ErrorContext,
  op: () => Promise<T>,
) => Promise<T>

/** How {@link withRetry} retries. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number
  /** Longest wait before a retry; a longer `Retry-After` is not waited for. */
  readonly maxRetryDelayMs: number
  readonly clock: Clock
}

/** First back-off when the platform gives no `Retry-After`; doubles per retry. */
const BASE_DELAY_MS = 500

/**
 * Run `attempt`, retrying throttling (429) and outages (5xx, network) a bounded number of times.
 * A 429 waits exactly as long as `Retry-After` says; without it the wait doubles from 500 ms.
 * Whatever finally fails is thrown as an {@link ArtifactRegistryError}.
 *
 * @param context What is being done, for the error message.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  context: ErrorContext,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt()
    } catch (err) {
      const mapped = mapError(err, context)
      const delay =
        retry < policy.maxRetries ? delayBeforeRetry(err, mapped, retry, policy) : undefined
      if (delay === undefined) throw mapped
      await policy.clock.sleep(delay)
    }
  }
}

// --- Internal ---

function delayBeforeRetry(
  err: unknown,
  mapped: ArtifactRegistryError,
  retry: number,
  policy: RetryPolicy,
): number | undefined {
  if (mapped.code !== 'RATE_LIMITED' && mapped.code !== 'UNAVAILABLE') return undefined
  // A used-up quota is RATE_LIMITED too, but waiting does not give it back.
  if (!mapped.retryable) return undefined
  const asked = retryAfterMs(err, policy.clock.now())
  // Waiting less than the platform asked only earns another 429; waiting longer than the caller
  // allows is worse than failing now with RATE_LIMITED.
  if (asked !== undefined) return asked <= policy.maxRetryDelayMs ? asked : undefined
  return Math.min(policy.maxRetryDelayMs, BASE_DELAY_MS * 2 ** retry)
}
