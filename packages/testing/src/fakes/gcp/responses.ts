import type { FakeResponse } from '../fake-server.js'

/** The HTTP status Google's REST APIs answer each canonical (gRPC) status with. */
export const HTTP_STATUS_OF_GOOGLE_STATUS: Readonly<Record<GoogleStatus, number>> = {
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
  UNAUTHENTICATED: 401,
}

/** A canonical Google API error status, as it appears in `error.status` of a REST error body. */
export type GoogleStatus =
  | 'CANCELLED'
  | 'UNKNOWN'
  | 'INVALID_ARGUMENT'
  | 'DEADLINE_EXCEEDED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'OUT_OF_RANGE'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DATA_LOSS'
  | 'UNAUTHENTICATED'

/**
 * A Google REST error response (`{"error":{"code","message","status","details"?}}`), for fault
 * injection. `details` are `google.rpc` messages, each with its `@type`.
 *
 * @example
 * ```ts
 * fake.inject('getIamPolicy', googleError('PERMISSION_DENIED', 'denied'))
 * ```
 */
export function googleError(
  status: GoogleStatus,
  message: string,
  details?: readonly Record<string, unknown>[],
): FakeResponse {
  const code = HTTP_STATUS_OF_GOOGLE_STATUS[status]
  const error =
    details === undefined ? { code, message, status } : { code, message, status, details }
  return { status: code, body: { error } }
}

/** @internal A 200 response with a JSON body. */
export function ok(body: unknown): FakeResponse {
  return { status: 200, body }
}

/** @internal Now as Google renders timestamps: RFC 3339, UTC, whole seconds. */
export function timestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
