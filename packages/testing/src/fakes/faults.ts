import type { FakeResponse, FakeServer, InjectedAnswer } from './fake-server.js'
import type { InjectOptions } from './operation-queues.js'

/**
 * A fault every cloud fake injects by name, `fake.inject(operation, 'throttling')`, answered in
 * its platform's own error shape (the body and status the platform's SDK expects; the table per
 * fake is in packages/testing/README.md): `throttling` (rate limited), `server-error` (an
 * internal error), `unavailable` (the service is down), `access-denied` (authenticated, not
 * allowed), `unauthenticated` (credentials refused), `conflict` (a concurrent change won, e.g. a
 * stale etag).
 */
export type FaultKind =
  | 'throttling'
  | 'server-error'
  | 'unavailable'
  | 'access-denied'
  | 'unauthenticated'
  | 'conflict'

/** Every {@link FaultKind}. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'throttling',
  'server-error',
  'unavailable',
  'access-denied',
  'unauthenticated',
  'conflict',
]

/** Options of `inject` on a cloud fake. */
export interface FaultOptions extends InjectOptions {
  /** With a named fault: send `Retry-After` with this many seconds. @default no header */
  retryAfterSeconds?: number
}

/** A platform's answer to one fault: the error code its body carries, the HTTP status, a message. */
export interface PlatformError {
  readonly code: string
  readonly status: number
  readonly message: string
}

/**
 * @internal One error shape of a platform (ECR's JSON, STS's XML, ARM's, …): the answer to each
 * fault kind it has, and how an answer is rendered. A kind it lacks is refused by `inject`.
 */
export interface ErrorPlane {
  /** Named in error messages, e.g. `STS`. */
  readonly name: string
  readonly errors: Readonly<Partial<Record<FaultKind, PlatformError>>>
  readonly render: (error: PlatformError) => FakeResponse
}

/** @internal The faults an OAuth 2.0 token endpoint answers (a token has no concurrent change). */
export type OAuthFault = Exclude<FaultKind, 'conflict'>

/**
 * The error code and status of each fault on an OAuth 2.0 token endpoint: RFC 6749's codes, which
 * Google's and Entra ID's token endpoints both send (only their messages differ).
 */
const OAUTH_ERROR_CODES: Readonly<Record<OAuthFault, readonly [code: string, status: number]>> = {
  throttling: ['temporarily_unavailable', 429],
  'server-error': ['server_error', 500],
  unavailable: ['temporarily_unavailable', 503],
  'access-denied': ['unauthorized_client', 400],
  unauthenticated: ['invalid_client', 401],
}

/**
 * @internal The errors of a token endpoint that speaks OAuth 2.0: each fault's RFC 6749 code and
 * status, with the platform's own message for it.
 */
export function oauthTokenErrors(
  messages: Readonly<Record<OAuthFault, string>>,
): ErrorPlane['errors'] {
  const errors: Partial<Record<FaultKind, PlatformError>> = {}
  for (const kind of Object.keys(OAUTH_ERROR_CODES) as OAuthFault[]) {
    const [code, status] = OAUTH_ERROR_CODES[kind]
    errors[kind] = { code, status, message: messages[kind] }
  }
  return errors
}

/**
 * @internal The `inject` of a cloud fake: a named fault becomes the answer of the plane that
 * serves `operation`; a response or a `before` action goes to the server as it is.
 */
export function namedFaultInjector<K extends FaultKind>(
  server: Pick<FakeServer, 'name' | 'inject'>,
  planeOf: (operation: string) => ErrorPlane,
): (operation: string, fault: K | InjectedAnswer, options?: FaultOptions) => void {
  const fakeName = server.name
  return (operation, fault, options) => {
    if (typeof fault !== 'string') {
      if (options?.retryAfterSeconds !== undefined) {
        throw new TypeError(
          `[${fakeName}] retryAfterSeconds goes with a named fault; put retry-after in the response's headers`,
        )
      }
      server.inject(operation, fault, options)
      return
    }
    const response = faultResponse(fakeName, planeOf(operation), operation, fault, options)
    server.inject(operation, response, options)
  }
}

// --- Internal ---

function faultResponse(
  fakeName: string,
  plane: ErrorPlane,
  operation: string,
  kind: string,
  options: FaultOptions | undefined,
): FakeResponse {
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new TypeError(
      `[${fakeName}] unknown fault "${kind}": use one of ${FAULT_KINDS.join(', ')}, or a response`,
    )
  }
  const error = plane.errors[kind as FaultKind]
  if (error === undefined) {
    throw new TypeError(
      `[${fakeName}] ${plane.name} (${operation}) has no "${kind}" fault: inject a response instead`,
    )
  }
  const response = plane.render(error)
  const retryAfter = options?.retryAfterSeconds
  if (retryAfter === undefined) return response
  if (!Number.isInteger(retryAfter) || retryAfter < 0) {
    throw new TypeError(
      `[${fakeName}] retryAfterSeconds must be a whole number of seconds, got ${String(retryAfter)}`,
    )
  }
  return { ...response, headers: { ...response.headers, 'retry-after': String(retryAfter) } }
}
