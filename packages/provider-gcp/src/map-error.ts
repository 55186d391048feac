import type { ErrorCode, ErrorContext, ProviderErrorBuilder } from '@artifact-registry/core'
import { ArtifactRegistryError, providerError } from '@artifact-registry/core'
import { withoutCredentials } from './cause-credentials.js'
import { oauthRefusalOf } from './oauth-error.js'
import { PLATFORM } from './platform.js'

// gRPC status names by number: google-gax's GoogleError carries the number in `code`.
const GRPC_STATUS = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const

const CODE_OF_STATUS: Readonly<Record<string, ErrorCode>> = {
  CANCELLED: 'UNAVAILABLE',
  UNKNOWN: 'INTERNAL',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  DEADLINE_EXCEEDED: 'TIMEOUT',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  RESOURCE_EXHAUSTED: 'RATE_LIMITED',
  // Both mean "the state changed under you": a stale etag, or a state the call needs.
  FAILED_PRECONDITION: 'CONFLICT',
  ABORTED: 'CONFLICT',
  OUT_OF_RANGE: 'INVALID_ARGUMENT',
  UNIMPLEMENTED: 'NOT_SUPPORTED',
  // Google documents INTERNAL as a server fault that may be retried.
  INTERNAL: 'UNAVAILABLE',
  UNAVAILABLE: 'UNAVAILABLE',
  DATA_LOSS: 'INTERNAL',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
}

const CODE_OF_HTTP_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMITED',
  504: 'TIMEOUT',
}

const NETWORK_CODES: Readonly<Record<string, ErrorCode>> = {
  ECONNREFUSED: 'UNAVAILABLE',
  ECONNRESET: 'UNAVAILABLE',
  ENOTFOUND: 'UNAVAILABLE',
  EAI_AGAIN: 'UNAVAILABLE',
  EPIPE: 'UNAVAILABLE',
  ETIMEDOUT: 'TIMEOUT',
  TimeoutError: 'TIMEOUT',
}

const MAX_DETAIL_LENGTH = 300

/**
 * @internal Map anything a Google SDK threw (google-gax `GoogleError` with a gRPC code,
 * gaxios `GaxiosError` with an HTTP status and a Google error body, network and credential
 * errors) to an {@link ArtifactRegistryError} that keeps it as `cause`. SDK error classes
 * never leave this package.
 *
 * @param context the call, e.g. `{ operation: 'getIamPolicy', resource: 'projects/p/…/repositories/r' }`.
 */
export function mapError(err: unknown, context: ErrorContext): ArtifactRegistryError {
  if (err instanceof ArtifactRegistryError) return err
  const about = context.resource === undefined ? '' : ` for ${context.resource}`
  const refusal = oauthRefusalOf(err)
  if (refusal !== undefined) {
    // The provider's own identity was refused its access token, whatever the call was.
    const said = refusal.description === '' ? '' : `: ${redacted(refusal.description)}`
    return platformError(
      refusal.code,
      `${context.operation} failed${about}: the token endpoint refused the provider's credentials (${refusal.error})${said}`,
      { cause: err },
    )
  }
  const status = googleStatusOf(err)
  const code = codeOf(err, status)
  const detail = detailOf(err)
  const label = status ?? code
  const reason = `(${label})${detail === '' ? '' : `: ${detail}`}`
  return platformError(code, `${context.operation} failed${about} ${reason}`, { cause: err })
}

/** @internal Whether a Google SDK error is `ABORTED`: IAM's answer to a stale policy etag. */
export function isAborted(err: unknown): boolean {
  return googleStatusOf(err) === 'ABORTED'
}

/**
 * @internal An error of this provider: platform `gcp`, message prefixed `[provider-gcp]`. Its
 * `cause` loses the credentials a failed token request of it holds: every cause this provider
 * attaches passes here, and applications log causes in depth.
 */
export const platformError: ProviderErrorBuilder = (code, message, options) => {
  withoutCredentials(options?.cause)
  return providerError(PLATFORM, code, message, options)
}

// --- Internal ---

interface ErrorLike {
  code?: unknown
  status?: unknown
  httpStatusCode?: unknown
  message?: unknown
  response?: { status?: unknown; data?: { error?: { status?: unknown; message?: unknown } } }
  cause?: unknown
}

/** The canonical status name (`NOT_FOUND`, `ABORTED`, …) when the error carries one. */
function googleStatusOf(err: unknown): string | undefined {
  const e = (err ?? {}) as ErrorLike
  const fromBody = e.response?.data?.error?.status
  if (typeof fromBody === 'string' && fromBody !== '') return fromBody
  // A GaxiosError has a `response` and may carry the HTTP status as a numeric `code`.
  if (e.response === undefined && typeof e.code === 'number') return GRPC_STATUS[e.code]
  return undefined
}

function codeOf(err: unknown, status: string | undefined): ErrorCode {
  const byStatus = status === undefined ? undefined : CODE_OF_STATUS[status]
  if (byStatus !== undefined) return byStatus
  const e = (err ?? {}) as ErrorLike
  const http = [e.response?.status, e.status, e.httpStatusCode].find((s) => typeof s === 'number')
  if (typeof http === 'number')
    return CODE_OF_HTTP_STATUS[http] ?? (http >= 500 ? 'UNAVAILABLE' : 'INTERNAL')
  const network = networkCodeOf(err)
  if (network !== undefined) return network
  // google-auth-library found no credentials (no ADC, metadata server disabled).
  if (String(e.message ?? '').includes('Could not load the default credentials')) {
    return 'UNAUTHENTICATED'
  }
  return 'INTERNAL'
}

function networkCodeOf(err: unknown): ErrorCode | undefined {
  for (
    let e = err as ErrorLike | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as ErrorLike, depth++
  ) {
    const code = typeof e.code === 'string' ? NETWORK_CODES[e.code] : undefined
    if (code !== undefined) return code
  }
  return undefined
}

function detailOf(err: unknown): string {
  const e = (err ?? {}) as ErrorLike
  const body = e.response?.data?.error?.message
  const text = typeof body === 'string' ? body : typeof e.message === 'string' ? e.message : ''
  return redacted(text)
}

/** A server's words, shortened, with any access token it echoed taken out. */
function redacted(text: string): string {
  // Access tokens must never reach a message, even if a server echoes one back.
  const clean = text
    .replace(/ya29\.[\w.-]+/g, 'ya29.[redacted]')
    .replace(/Bearer \S+/g, 'Bearer [redacted]')
  return clean.length > MAX_DETAIL_LENGTH ? `${clean.slice(0, MAX_DETAIL_LENGTH)}…` : clean
}
