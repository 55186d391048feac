import type { IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import { errorFields, type Log, type LogEvent } from './log.js'
import type { OciError } from './oci-errors.js'
import { chosenAnswer } from './public-error.js'

/** Tells the request log what a request failed with. */
export type RecordFailure = (error: unknown) => void

/**
 * Log a request when its response closes: a server fault (5xx, or a response cut short by an
 * error, other than an answer chosen on purpose) at `error` with its cause, anything else at
 * `info`; `debug` adds the query's parameter
 * names, the client and the sizes. Only the path is logged, never the query's values, headers
 * or bodies, and the request's own `Authorization` secrets are blanked out of every field in
 * case an error message quotes them.
 */
export function traceRequest(log: Log, req: IncomingMessage, res: ServerResponse): RecordFailure {
  if (!log.enabled('error')) return () => {}
  const started = performance.now()
  let failure: unknown
  res.once('close', () => {
    const answer = failure === undefined ? undefined : chosenAnswer(failure)
    // An answer chosen on purpose is the client's doing whatever its status (a 503 for
    // pipelining too deep): logged at error, a flood of them filled the log with no fault.
    const serverFault = failure !== undefined && answer === undefined
    const level = serverFault || (answer === undefined && res.statusCode >= 500) ? 'error' : 'info'
    if (!log.enabled(level)) return
    const [target = '', query] = (req.url ?? '').split('?', 2)
    // An absolute-form target (`http://user:password@host/v2/`) names its origin, userinfo
    // included: only its path is logged, as for the usual `/v2/…`.
    const path = target.replace(ABSOLUTE_FORM_ORIGIN, '')
    const event: LogEvent = {
      level,
      msg: level === 'error' ? 'request failed' : 'request',
      method: req.method,
      path,
      status: res.statusCode,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...(!res.writableFinished && { incomplete: true }),
      ...(serverFault && { error: errorFields(failure) }),
    }
    if (log.enabled('debug')) Object.assign(event, debugFields(req, res, query, answer))
    log.write(scrub(event, secretsOf(req.headers.authorization)) as LogEvent)
  })
  return (error) => {
    failure = error
  }
}

// --- Internal ---

/** The scheme and authority an absolute-form request target starts with. */
const ABSOLUTE_FORM_ORIGIN = /^[a-z][a-z\d+.-]*:\/\/[^/]*/i

function debugFields(
  req: IncomingMessage,
  res: ServerResponse,
  query: string | undefined,
  answer: OciError | undefined,
): Record<string, unknown> {
  return {
    // Names only: values can carry digests, upload state or, at the token realm, account names.
    queryParameters: [...new URLSearchParams(query ?? '').keys()],
    remoteAddress: req.socket.remoteAddress,
    userAgent: req.headers['user-agent'],
    requestBytes: req.headers['content-length'],
    responseBytes: res.getHeader('content-length'),
    ...(answer !== undefined && { errorCode: answer.code }),
  }
}

/** The strings of an Authorization header that must never be logged. */
function secretsOf(authorization: string | undefined): string[] {
  if (!authorization) return []
  const credentials = authorization.replace(/^\S+\s+/, '').trim()
  const secrets = [authorization, credentials]
  if (/^Basic\s/i.test(authorization)) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8')
    secrets.push(decoded, decoded.slice(decoded.indexOf(':') + 1))
  }
  // Very short strings would blank out ordinary words; no real secret is that short.
  return secrets.filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length)
}

function scrub(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value
  if (typeof value === 'string')
    return secrets.reduce((text, secret) => text.replaceAll(secret, '[redacted]'), value)
  if (Array.isArray(value)) return value.map((item) => scrub(item, secrets))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, scrub(item, secrets)]),
    )
  }
  return value
}
