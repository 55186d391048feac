/**
 * Options of `startLocalRegistry` that keep one client from exhausting the server: how many
 * connections it holds, how long a request may take to arrive, and how many uploads may be under
 * way at once.
 */
export interface RequestLimitOptions {
  /**
   * Connections open at once; one more is closed as soon as it is accepted, without an answer,
   * and the refusals are logged at `error` (at most one line every 10 s, with their count).
   * Each connection holds a file descriptor and memory until its timeouts end it, so without a
   * cap a client opening connections faster than they time out took every descriptor the
   * process had, and the uploads and pulls under way failed to open their files. @default 1024
   */
  maxConnections?: number
  /**
   * Time a connection has to send a request's headers (also a first request on a new
   * connection); then it gets 408 and is closed. Over TLS, a connection has as long again, before
   * that, to finish its handshake; then it is closed unanswered. @default 30
   */
  headersTimeoutSeconds?: number
  /**
   * A request body must keep arriving: one that brings fewer than `minBodyBytesPerSecond` ×
   * `bodyTimeoutSeconds` bytes (and at least one) in any span of `bodyTimeoutSeconds` is
   * answered 408 `REQUEST_TIMEOUT` and its connection closed. Time the server itself takes to
   * read what has arrived is not held against the client. @default 30
   */
  bodyTimeoutSeconds?: number
  /** The slowest rate a request body may keep up; see `bodyTimeoutSeconds`. @default 1024 */
  minBodyBytesPerSecond?: number
  /**
   * A response must keep being taken: a connection with data waiting for its client, none of
   * which the client took for this long, is closed. Data goes out one write at a time (a blob in
   * pieces of up to 512 KiB), so a client must take each within the timeout. @default 60
   */
  sendTimeoutSeconds?: number
  /**
   * Upload sessions open at once (started, and not yet finished, cancelled or expired), all
   * credentials together; one more → 429 `TOOMANYREQUESTS` with `Retry-After`. @default 10000
   */
  maxUploadSessions?: number
  /**
   * Upload sessions open at once for one credential (the admin counts as one; without auth,
   * every client is the same one). @default 1000
   */
  maxUploadSessionsPerCredential?: number
  /**
   * Requests sending a body at once (blob chunks and uploads, manifests), all credentials
   * together; one more → 429 `TOOMANYREQUESTS` with `Retry-After`, and its connection is closed.
   * @default 256
   */
  maxConcurrentUploads?: number
  /** Requests sending a body at once for one credential. @default 32 */
  maxConcurrentUploadsPerCredential?: number
}

/** A cap per credential and one for everyone together. */
export interface CapLimits {
  perCredential: number
  total: number
}

/** @internal {@link RequestLimitOptions} with defaults applied. */
export interface RequestLimits {
  maxConnections: number
  headersTimeoutMs: number
  bodyTimeoutMs: number
  /** Bytes a body must bring in every `bodyTimeoutMs`. */
  minBodyBytes: number
  sendTimeoutMs: number
  uploadSessions: CapLimits
  concurrentUploads: CapLimits
}

/** @internal The longest delay a Node timer takes (about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_SECONDS = 2_147_483

/** @internal Apply defaults and validate (TypeError for misuse). */
export function resolveRequestLimits(options: RequestLimitOptions): RequestLimits {
  const bodyTimeoutSeconds = seconds(options.bodyTimeoutSeconds, 30, 'bodyTimeoutSeconds')
  const minRate = options.minBodyBytesPerSecond ?? 1024
  if (!Number.isFinite(minRate) || minRate < 0)
    throw new TypeError('minBodyBytesPerSecond must be a non-negative number')
  return {
    maxConnections: count(options.maxConnections, 1024, 'maxConnections'),
    headersTimeoutMs: seconds(options.headersTimeoutSeconds, 30, 'headersTimeoutSeconds') * 1000,
    bodyTimeoutMs: bodyTimeoutSeconds * 1000,
    minBodyBytes: Math.max(1, Math.ceil(minRate * bodyTimeoutSeconds)),
    sendTimeoutMs: seconds(options.sendTimeoutSeconds, 60, 'sendTimeoutSeconds') * 1000,
    uploadSessions: {
      perCredential: count(
        options.maxUploadSessionsPerCredential,
        1000,
        'maxUploadSessionsPerCredential',
      ),
      total: count(options.maxUploadSessions, 10_000, 'maxUploadSessions'),
    },
    concurrentUploads: {
      perCredential: count(
        options.maxConcurrentUploadsPerCredential,
        32,
        'maxConcurrentUploadsPerCredential',
      ),
      total: count(options.maxConcurrentUploads, 256, 'maxConcurrentUploads'),
    },
  }
}

// --- Internal ---

function seconds(value: number | undefined, fallback: number, field: string): number {
  const v = value ?? fallback
  if (!Number.isFinite(v) || v <= 0 || v > MAX_TIMER_SECONDS)
    throw new TypeError(
      `${field} must be a number of seconds above 0, at most ${MAX_TIMER_SECONDS}`,
    )
  return v
}

function count(value: number | undefined, fallback: number, field: string): number {
  const v = value ?? fallback
  if (!Number.isSafeInteger(v) || v < 1) throw new TypeError(`${field} must be an integer ≥ 1`)
  return v
}
