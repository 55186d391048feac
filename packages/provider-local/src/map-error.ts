import type { ErrorCode, ErrorContext, ProviderErrorBuilder } from '@artifact-registry/core'
import { ArtifactRegistryError, providerError } from '@artifact-registry/core'
import { PLATFORM } from './platform.js'
import { RegistryUnreachableError } from './unreachable.js'

/** An HTTP answer of the registry that is not what the operation expected. */
export class RegistryHttpError extends Error {
  override readonly name = 'RegistryHttpError'
  readonly status: number
  readonly body: string

  constructor(status: number, body: string, what: string) {
    super(`${what} answered ${status}`)
    this.status = status
    this.body = body
  }
}

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'CONFLICT',
  413: 'INVALID_ARGUMENT',
  429: 'RATE_LIMITED',
}

/**
 * Map anything a registry call threw to an ArtifactRegistryError (the one place that does it).
 * @param context the operation (`createRepository`) and, as `resource`, the registry's URL, which
 *   the message names.
 */
export function mapError(err: unknown, context: ErrorContext): ArtifactRegistryError {
  if (err instanceof ArtifactRegistryError) return err
  const what = context.operation
  if (err instanceof RegistryHttpError) {
    const code = BY_STATUS[err.status] ?? (err.status >= 500 ? 'UNAVAILABLE' : 'INTERNAL')
    const registry =
      context.resource === undefined ? 'the registry' : `the registry at ${context.resource}`
    // Every call is made with the admin credential, so a 401 is that credential refused.
    const why =
      err.status === 401
        ? ": it refused the admin credential (the binding's adminCredentials, or none if it gives none); check the username and password"
        : ''
    return platformError(code, `${what}: ${registry} answered ${err.status}${why}`, {
      cause: err,
    })
  }
  if (err instanceof RegistryUnreachableError) return unreachable(err, what)
  if (isBrokenOffBody(err)) return brokenOff(err, what, context.resource)
  return platformError('INTERNAL', `${what} failed: ${String(err)}`, { cause: err })
}

/** An {@link ArtifactRegistryError} of this provider: platform `local`, message prefixed `[provider-local]`. */
export const platformError: ProviderErrorBuilder = (code, message, options) =>
  providerError(PLATFORM, code, message, options)

/** The `NOT_FOUND` for a repository of this binding that does not exist. */
export function repositoryNotFound(name: string): ArtifactRegistryError {
  return platformError('NOT_FOUND', `Repository "${name}" not found`)
}

// --- Internal ---

// OpenSSL's names for "the other side does not speak TLS"; https.request reports EPROTO.
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG'])
const TIMEOUTS = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
])
const CLOSED = new Set(['UND_ERR_SOCKET', 'ECONNRESET'])

/** A request that got no answer, by its network error's code. */
function unreachable(err: RegistryUnreachableError, what: string): ArtifactRegistryError {
  const { origin, networkCode } = err
  const detail = (err.cause as Error | undefined)?.message ?? ''
  const fail = (code: ErrorCode, why: string, retryable?: boolean): ArtifactRegistryError =>
    platformError(code, `${what}: ${why}`, {
      cause: err,
      ...(retryable !== undefined && { retryable }),
    })
  const url = new URL(origin)
  const notTls =
    NOT_TLS.has(networkCode ?? '') ||
    (networkCode === 'EPROTO' && /wrong version number/i.test(detail))
  if (notTls && url.protocol === 'https:') {
    return fail(
      'INVALID_CONFIG',
      `${origin} does not answer TLS: the server speaks plain HTTP; use http://${url.host}`,
    )
  }
  // Node's fetch never connects to a port the Fetch standard blocks (as browsers do: 6000,
  // 10080, …); asking again cannot help, so it is the configuration's fault, not the network's.
  if (networkCode === undefined && detail === 'bad port') {
    return fail(
      'INVALID_CONFIG',
      `Node's fetch refuses to connect to ${origin}: port ${url.port} is one the Fetch standard blocks; run the registry on another port`,
    )
  }
  if (networkCode === 'ECONNREFUSED')
    return fail('UNAVAILABLE', `cannot reach ${origin} (ECONNREFUSED): nothing listens there`)
  if (networkCode === 'ENOTFOUND' || networkCode === 'EAI_AGAIN')
    return fail(
      'UNAVAILABLE',
      `cannot reach ${origin} (${networkCode}): no address for ${url.hostname}`,
    )
  if (TIMEOUTS.has(networkCode ?? ''))
    return fail('TIMEOUT', `${origin} did not answer in time (${networkCode})`)
  if (isCertificateProblem(networkCode)) {
    return fail(
      'UNAVAILABLE',
      `cannot reach ${origin} (${networkCode}: ${detail}): its certificate is not trusted; give caCertificate, the PEM of the CA that issued it`,
      false,
    )
  }
  if (CLOSED.has(networkCode ?? '') && url.protocol === 'http:') {
    return fail(
      'UNAVAILABLE',
      `${origin} closed the connection (${networkCode}); if the server speaks HTTPS, use https://${url.host}`,
    )
  }
  const code = networkCode ?? 'no error code'
  return fail('UNAVAILABLE', `cannot reach ${origin} (${code}${detail && `: ${detail}`})`)
}

/**
 * How `fetch` rejects the read of a body whose connection failed after the headers came (the
 * registry restarting, the network): a `TypeError` "terminated", the socket's error as its cause.
 * `fetch` itself had resolved, so {@link RegistryUnreachableError} never saw it.
 */
function isBrokenOffBody(err: unknown): err is TypeError {
  return err instanceof TypeError && err.message === 'terminated'
}

// As retryable as a connection that failed before the answer: nothing in it was read.
function brokenOff(err: TypeError, what: string, resource?: string): ArtifactRegistryError {
  const networkCode = (err.cause as { code?: unknown } | undefined)?.code
  const code = typeof networkCode === 'string' ? networkCode : 'no error code'
  const where = resource === undefined ? 'the registry' : `the registry at ${resource}`
  const timedOut = code === 'UND_ERR_BODY_TIMEOUT'
  return platformError(
    timedOut ? 'TIMEOUT' : 'UNAVAILABLE',
    `${what}: an answer of ${where} (or of its token service) broke off while it was read (${code})`,
    { cause: err },
  )
}

function isCertificateProblem(code: string | undefined): boolean {
  return (
    code !== undefined &&
    (/CERT/.test(code) || code.startsWith('UNABLE_TO_') || code === 'ERR_TLS_CERT_ALTNAME_INVALID')
  )
}
