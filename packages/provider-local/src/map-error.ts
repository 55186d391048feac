import { ArtifactRegistryError, type ErrorCode } from '@artifact-registry/core'
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
 * @param registry the registry's URL, named in the message
 */
export function mapError(err: unknown, what: string, registry: string): ArtifactRegistryError {
  if (err instanceof ArtifactRegistryError) return err
  if (err instanceof RegistryHttpError) {
    const code = BY_STATUS[err.status] ?? (err.status >= 500 ? 'UNAVAILABLE' : 'INTERNAL')
    return new ArtifactRegistryError(
      code,
      `[provider-local] ${what}: the registry at ${registry} answered ${err.status}`,
      { platform: PLATFORM, cause: err },
    )
  }
  if (err instanceof RegistryUnreachableError) return unreachable(err, what)
  return new ArtifactRegistryError('INTERNAL', `[provider-local] ${what} failed: ${String(err)}`, {
    platform: PLATFORM,
    cause: err,
  })
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
    new ArtifactRegistryError(code, `[provider-local] ${what}: ${why}`, {
      platform: PLATFORM,
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

function isCertificateProblem(code: string | undefined): boolean {
  return (
    code !== undefined &&
    (/CERT/.test(code) || code.startsWith('UNABLE_TO_') || code === 'ERR_TLS_CERT_ALTNAME_INVALID')
  )
}
