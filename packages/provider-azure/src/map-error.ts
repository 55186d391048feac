import {
  type ArtifactRegistryError,
  type ErrorCode,
  type ErrorContext,
  isArtifactRegistryError,
  type ProviderErrorBuilder,
  providerError,
} from '@artifact-registry/core'
import { PLATFORM } from './platform.js'
import { quotaExceededMessage } from './quota.js'
import { withoutRequestCredentials } from './request-credentials.js'

// core-lro reports a failed operation as a plain Error with only this message to go by.
const LRO_FAILURE = /^The long-running operation has failed(?:\. ([^.]*)\.)?/

/** ARM error codes of failed long-running operations, by the code they map to. */
const ARM_CODES: readonly [RegExp, ErrorCode][] = [
  [/NotFound/i, 'NOT_FOUND'],
  [/AuthorizationFailed|Forbidden|LinkedAuthorization/i, 'PERMISSION_DENIED'],
  [/Conflict|InProgress|AlreadyExists/i, 'CONFLICT'],
  [/TooManyRequests|Throttl/i, 'RATE_LIMITED'],
  [/InternalServerError|ServiceUnavailable|Timeout|BadGateway/i, 'UNAVAILABLE'],
  [/Invalid|BadRequest/i, 'INVALID_ARGUMENT'],
]

const NETWORK_CODES: ReadonlySet<unknown> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'REQUEST_SEND_ERROR',
])

const IDENTITY_ERRORS: ReadonlySet<unknown> = new Set([
  'AuthenticationError',
  'AuthenticationRequiredError',
  'AggregateAuthenticationError',
  'CredentialUnavailableError',
])

/**
 * Map any error of the Azure SDK, @azure/identity, core-lro or our own data-plane calls to an
 * {@link ArtifactRegistryError}, keeping the HTTP status class: 401 `UNAUTHENTICATED`, 403
 * `PERMISSION_DENIED`, 404 `NOT_FOUND`, 409 `CONFLICT`, 429 `RATE_LIMITED`, 5xx `UNAVAILABLE`;
 * ARM's `QuotaExceeded` (scope maps or tokens per SKU) is `RATE_LIMITED`, not retryable.
 * The original error is the `cause`; tokens never reach the message.
 *
 * @param context What was being done, e.g. `{ operation: 'create scope map', resource: 'web-app' }`.
 */
export function mapError(err: unknown, context: ErrorContext): ArtifactRegistryError {
  if (isArtifactRegistryError(err)) return err
  // A used-up quota stays used up: RATE_LIMITED like every provider's quotas, but not retryable.
  const quota = quotaExceededMessage(err, context)
  if (quota !== undefined) {
    return platformError('RATE_LIMITED', quota, { cause: err, retryable: false })
  }
  const status = statusOf(err)
  const about = context.resource === undefined ? '' : ` "${context.resource}"`
  return platformError(
    codeOf(err, status),
    `${context.operation}${about} failed: ${describe(err, status)}`,
    { cause: err },
  )
}

/**
 * An {@link ArtifactRegistryError} of this provider: platform `azure`, message prefixed
 * `[provider-azure]`. Its `cause` loses the token of the request it answered: every cause this
 * provider attaches passes here, and applications log causes in depth.
 */
export const platformError: ProviderErrorBuilder = (code, message, options) => {
  withoutRequestCredentials(options?.cause)
  return providerError(PLATFORM, code, message, options)
}

/** `NOT_FOUND` for a repository this binding has no scope map of (or one that is not its own). */
export function repositoryNotFound(repository: string, cause?: unknown): ArtifactRegistryError {
  const options = cause === undefined ? undefined : { cause }
  return platformError('NOT_FOUND', `Repository "${repository}" not found`, options)
}

/** The HTTP status of an SDK (`statusCode`) or data-plane (`status`) error, if it has one. */
export function statusOf(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown; status?: unknown } | null
  if (typeof e?.statusCode === 'number') return e.statusCode
  return typeof e?.status === 'number' ? e.status : undefined
}

/**
 * How long the platform asked us to wait before retrying, in ms: `retry-after-ms`,
 * `x-ms-retry-after-ms`, or `Retry-After` in seconds or as an HTTP date.
 */
export function retryAfterMs(err: unknown, now: number): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = headerOf(err, name)?.trim()
    if (ms !== undefined && /^\d+$/.test(ms)) return Number(ms)
  }
  const value = headerOf(err, 'retry-after')
  if (value === undefined) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Remove anything token-shaped from text that may end up in a message. */
export function redact(text: string): string {
  return text
    .replace(/eyJ[\w-]{2,}\.[\w-]{2,}\.[\w-]*/g, '<redacted>')
    .replace(/(access_token|refresh_token|client_secret|password)=[^&\s"]+/gi, '$1=<redacted>')
}

// --- Internal ---

function codeOf(err: unknown, status: number | undefined): ErrorCode {
  // Throttling and outages keep their class whoever reports them (ARM, ACR or Entra ID).
  if (status === 429) return 'RATE_LIMITED'
  if (status !== undefined && status >= 500) return 'UNAVAILABLE'
  if (IDENTITY_ERRORS.has((err as { name?: unknown } | null)?.name)) return 'UNAUTHENTICATED'
  if (status !== undefined) return codeOfStatus(status)
  const lroCode = err instanceof Error ? LRO_FAILURE.exec(err.message) : null
  if (lroCode !== null)
    return ARM_CODES.find(([re]) => re.test(lroCode[1] ?? ''))?.[1] ?? 'INTERNAL'
  const e = err as { name?: unknown; code?: unknown } | null
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.code === 'ETIMEDOUT') {
    return 'TIMEOUT'
  }
  return NETWORK_CODES.has(e?.code) ? 'UNAVAILABLE' : 'INTERNAL'
}

function codeOfStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'INVALID_ARGUMENT'
    case 401:
      return 'UNAUTHENTICATED'
    case 403:
      return 'PERMISSION_DENIED'
    case 404:
      return 'NOT_FOUND'
    case 408:
      return 'TIMEOUT'
    case 409:
    case 412:
      return 'CONFLICT'
    default:
      return 'INTERNAL'
  }
}

function describe(err: unknown, status: number | undefined): string {
  const message = err instanceof Error ? err.message : String(err)
  const code = (err as { code?: unknown } | null)?.code
  const parts = [
    status === undefined ? undefined : `HTTP ${status}`,
    typeof code === 'string' && !message.includes(code) ? code : undefined,
  ].filter((p) => p !== undefined)
  const text = redact(message).slice(0, 400)
  return parts.length === 0 ? text : `${parts.join(' ')}: ${text}`
}

function headerOf(err: unknown, name: string): string | undefined {
  const e = err as {
    response?: { headers?: { get?: (n: string) => string | undefined } }
    headers?: Record<string, unknown>
  } | null
  const fromSdk = e?.response?.headers?.get?.(name)
  if (typeof fromSdk === 'string') return fromSdk
  const fromDataPlane = e?.headers?.[name]
  return typeof fromDataPlane === 'string' ? fromDataPlane : undefined
}
