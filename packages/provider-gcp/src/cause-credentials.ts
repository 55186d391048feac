/**
 * Fields of an OAuth 2.0 token request that prove an identity: whoever reads one can get tokens
 * as the provider for as long as it stays valid (a refresh token until it is revoked).
 * google-auth-library sends them to the token endpoint, and gaxios keeps the request in the error
 * it throws when that endpoint fails; its own redaction takes `client_secret` and `assertion` out,
 * but leaves `refresh_token`, `subject_token` and `actor_token` in.
 */
const CREDENTIAL_FIELDS: readonly string[] = [
  'refresh_token',
  'client_secret',
  'assertion',
  'subject_token',
  'actor_token',
]

const REDACTED = '[redacted]'
// As deep as mapError looks for a network code: the SDK wraps gaxios' error once or twice.
const MAX_DEPTH = 5

interface RequestLike {
  data?: unknown
  body?: unknown
}

interface ErrorLike {
  config?: RequestLike
  response?: { config?: RequestLike }
  cause?: unknown
}

/**
 * @internal Take the credentials a request sent to Google's token endpoint out of an error a
 * Google client threw, and out of the errors it wraps, in place; returns `err`. The error then
 * becomes the `cause` of an `ArtifactRegistryError`, which applications log: a user's refresh
 * token in it would let anyone who reads the log act as the provider's identity.
 */
export function withoutCredentials<T>(err: T): T {
  let link = err as ErrorLike | undefined
  for (let depth = 0; link && typeof link === 'object' && depth < MAX_DEPTH; depth++) {
    scrubRequest(link.config)
    scrubRequest(link.response?.config)
    link = link.cause as ErrorLike | undefined
  }
  return err
}

// --- Internal ---

function scrubRequest(request: RequestLike | undefined): void {
  if (request === null || typeof request !== 'object') return
  for (const key of ['data', 'body'] as const) {
    const body = request[key]
    if (typeof body === 'string') request[key] = scrubText(body)
    else scrubFields(body)
  }
}

/** A form (`URLSearchParams`) or a JSON object, as google-auth-library builds token requests. */
function scrubFields(body: unknown): void {
  if (body === null || typeof body !== 'object') return
  // URLSearchParams, or a copy of it from another realm or fetch polyfill.
  const form = body as Partial<Pick<URLSearchParams, 'has' | 'set'>>
  if (typeof form.has === 'function' && typeof form.set === 'function') {
    for (const field of CREDENTIAL_FIELDS) if (form.has(field)) form.set(field, REDACTED)
    return
  }
  const fields = body as Record<string, unknown>
  for (const field of CREDENTIAL_FIELDS) if (field in fields) fields[field] = REDACTED
}

/** A body already encoded: `a=b&c=d`, or JSON. */
function scrubText(text: string): string {
  let clean = text
  for (const field of CREDENTIAL_FIELDS) {
    clean = clean
      .replace(new RegExp(`(^|[&?])(${field})=[^&]*`, 'g'), `$1$2=${REDACTED}`)
      .replace(new RegExp(`("${field}"\\s*:\\s*)"[^"]*"`, 'g'), `$1"${REDACTED}"`)
  }
  return clean
}
