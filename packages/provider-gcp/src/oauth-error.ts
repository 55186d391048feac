import type { ErrorCode } from '@artifact-registry/core'

/**
 * @internal A refusal of an OAuth 2.0 token endpoint (RFC 6749): `{"error": "invalid_grant",
 * "error_description": "…"}`, a string where Google's APIs put an object.
 */
export interface OAuthRefusal {
  /** The RFC 6749 error code, e.g. `invalid_grant`. */
  readonly error: string
  readonly description: string
  readonly code: ErrorCode
}

// What each RFC 6749 error says about the identity. A revoked or expired refresh token, a deleted
// service account key or a workload identity token STS refuses are all `invalid_grant`: the
// caller could not prove who it is, which no change of arguments fixes.
const CODE_OF_OAUTH_ERROR: Readonly<Record<string, ErrorCode>> = {
  invalid_grant: 'UNAUTHENTICATED',
  invalid_client: 'UNAUTHENTICATED',
  invalid_request: 'UNAUTHENTICATED',
  invalid_scope: 'UNAUTHENTICATED',
  unsupported_grant_type: 'UNAUTHENTICATED',
  // The identity is known, and not allowed this grant (domain-wide delegation not authorised).
  unauthorized_client: 'PERMISSION_DENIED',
  access_denied: 'PERMISSION_DENIED',
  server_error: 'UNAVAILABLE',
}

interface ErrorLike {
  response?: { status?: unknown; data?: unknown }
  cause?: unknown
}

/**
 * @internal The token endpoint's refusal carried by an error (a `GaxiosError`, or the
 * `GoogleError` the Artifact Registry SDK wraps it in as `cause`), or `undefined` when the error
 * is not one. Getting the provider's own access token is the first step of every call, so its
 * refusal must not be read as the call's: with only the HTTP status, a revoked refresh token
 * (400) would be `INVALID_ARGUMENT`.
 */
export function oauthRefusalOf(err: unknown): OAuthRefusal | undefined {
  for (let e = err as ErrorLike | undefined, depth = 0; e && depth < 5; depth++) {
    const data = e.response?.data as { error?: unknown; error_description?: unknown } | undefined
    if (typeof data?.error === 'string' && data.error !== '') {
      const status = e.response?.status
      const description = typeof data.error_description === 'string' ? data.error_description : ''
      return { error: data.error, description, code: codeOf(data.error, status) }
    }
    e = e.cause as ErrorLike | undefined
  }
  return undefined
}

// --- Internal ---

function codeOf(error: string, status: unknown): ErrorCode {
  // `temporarily_unavailable` comes as 429 (slow down) or 503; both pass.
  if (status === 429) return 'RATE_LIMITED'
  if (typeof status === 'number' && status >= 500) return 'UNAVAILABLE'
  return CODE_OF_OAUTH_ERROR[error] ?? 'UNAUTHENTICATED'
}
