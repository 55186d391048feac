/**
 * Headers of an ARM request that prove the caller's identity: the bearer token the SDK's
 * credential policy signs every request with, and the tokens of other tenants it may add.
 */
const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'x-ms-authorization-auxiliary']

// As deep as a failure of the SDK wraps another (core-lro and core-client wrap RestError at most once).
const MAX_DEPTH = 5

interface HeadersLike {
  delete?: (name: string) => void
}

interface ErrorLike {
  request?: { headers?: HeadersLike }
  response?: { request?: { headers?: HeadersLike } }
  cause?: unknown
}

/**
 * @internal Take the credentials out of the requests an error of the Azure SDK keeps, and out of
 * the errors it wraps, in place; returns `err`. A `RestError` holds the request it answered (as
 * `request` and `response.request`, hidden but readable), whose `authorization` header is the
 * provider's Entra ID token for ARM. The error becomes the `cause` of an `ArtifactRegistryError`,
 * which applications log and error reporters read in depth: that token would let anyone who reads
 * it manage the registry as the provider's identity until it expires. The SDK's own `inspect`
 * output hides it; a reader of the object does not.
 */
export function withoutRequestCredentials<T>(err: T): T {
  let link = err as ErrorLike | undefined
  for (let depth = 0; link !== null && typeof link === 'object' && depth < MAX_DEPTH; depth++) {
    forgetCredentials(link.request?.headers)
    forgetCredentials(link.response?.request?.headers)
    link = link.cause as ErrorLike | undefined
  }
  return err
}

// --- Internal ---

function forgetCredentials(headers: HeadersLike | undefined): void {
  // The SDK's HttpHeaders; the request was answered, so nothing sends it again.
  if (headers === null || typeof headers !== 'object' || typeof headers.delete !== 'function') {
    return
  }
  for (const name of CREDENTIAL_HEADERS) headers.delete(name)
}
