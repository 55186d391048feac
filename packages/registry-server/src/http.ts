import type { IncomingMessage, ServerResponse } from 'node:http'
import { CompactChunkList } from './compact-chunk-list.js'
import type { GarbageCollector } from './garbage-collector.js'
import { OciError } from './oci-errors.js'
import type { ResolvedRegistryOptions } from './options.js'
import { publicError } from './public-error.js'
import { answerThenClose, isSendingBody } from './refused-body.js'
import type { MutationGuard, RegistryStore } from './storage/registry-store.js'
import type { AuthService } from './token-service/auth-service.js'
import type { UploadSessions } from './upload-sessions.js'

/** Everything a route handler needs for one request. */
export interface RouteContext {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly url: URL
  /** Repository name, for repository routes. */
  readonly repository: string
  /** The path parameter after the route's keyword (digest, reference, upload id). */
  readonly param: string
  readonly store: RegistryStore
  readonly uploads: UploadSessions
  readonly options: ResolvedRegistryOptions
  /** Who the request is from, as the authorizer named them (per-credential upload caps). */
  readonly subject: string
  /**
   * Ask the authorizer again, as when the request arrived; throws the same refusals. A request
   * may take hours to send its body: before it commits what it sent, this asks whether its
   * credential was revoked or expired, or its repository deleted, meanwhile.
   */
  readonly recheckAccess: () => Promise<void>
  /**
   * The same question asked again under the repository's lock, at the instant of the write,
   * where only a quick synchronous check may run: whether the credential is still held (built-in
   * auth; with an `authorize` hook of the user's, nothing more is asked). Throws 401 if not.
   */
  readonly accessStillHeld: MutationGuard
  readonly garbageCollector: GarbageCollector
  /** Credentials and tokens, when auth is on (deleting a repository revokes its credentials). */
  readonly auth: AuthService | undefined
}

/** Send a JSON body (nothing for HEAD). */
export function sendJson(
  ctx: Pick<RouteContext, 'req' | 'res'>,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = Buffer.from(JSON.stringify(body))
  ctx.res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(payload.byteLength),
    ...headers,
  })
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : payload)
}

/** Send a status with headers and an empty body. */
export function sendEmpty(
  ctx: Pick<RouteContext, 'res'>,
  status: number,
  headers: Record<string, string> = {},
): void {
  ctx.res.writeHead(status, { 'Content-Length': '0', ...headers })
  ctx.res.end()
}

/**
 * Send an error in the spec's JSON form. Unexpected errors become a 500 (507 for a full disk)
 * `UNKNOWN` that says nothing of the server ({@link publicError}); their cause is for the log.
 */
export function sendError(ctx: Pick<RouteContext, 'req' | 'res'>, err: unknown): void {
  const error = publicError(err)
  if (ctx.res.headersSent) {
    ctx.res.destroy()
    return
  }
  if (isSendingBody(ctx.req)) {
    const payload = Buffer.from(JSON.stringify(error.toBody()))
    const headers = { 'Content-Type': 'application/json', ...error.headers }
    answerThenClose(ctx.req, ctx.res, error.status, headers, payload)
    return
  }
  sendJson(ctx, error.status, error.toBody(), { ...error.headers })
}

/**
 * Read a whole request body, refusing more than `limit` bytes with 413. `inspect` sees each chunk
 * as it arrives and may throw to refuse the body before the rest of it is read.
 */
export async function readBody(
  req: IncomingMessage,
  limit: number,
  inspect?: (chunk: Buffer) => void,
): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit) throw tooLarge(limit)
  // Tiny chunks (a client sending one byte per TCP segment) are joined as they come: kept one by
  // one, each would hold ~70 bytes of heap per byte of body.
  const chunks = new CompactChunkList()
  // Not destroyed when refused: that would reset the connection before the 413 is read (see
  // `answerThenClose`).
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    if (chunks.byteLength + (chunk as Buffer).byteLength > limit) throw tooLarge(limit)
    inspect?.(chunk as Buffer)
    chunks.push(chunk as Buffer)
  }
  return chunks.concat()
}

/** Whether the request sends a body (a positive Content-Length, or a chunked one). */
export function hasBody(req: IncomingMessage): boolean {
  return (
    Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined
  )
}

/** The request's Content-Length; `undefined` without one (a chunked body). */
export function contentLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length']
  return header === undefined ? undefined : Number(header)
}

/** The media type of the request without parameters. */
export function contentType(req: IncomingMessage): string | undefined {
  return req.headers['content-type']?.split(';')[0]?.trim() || undefined
}

/** The `Location` of an upload session. */
export function uploadLocation(repository: string, id: string): string {
  return `/v2/${repository}/blobs/uploads/${id}`
}

/** Whether the request's If-None-Match names this digest's ETag (or `*`): answer 304. */
export function notModified(ctx: RouteContext, digest: string): boolean {
  const header = ctx.req.headers['if-none-match']
  if (header === undefined) return false
  return header
    .split(',')
    .some((v) => v.trim() === '*' || v.trim() === `"${digest}"` || v.trim() === `W/"${digest}"`)
}

function tooLarge(limit: number): OciError {
  return new OciError('SIZE_INVALID', {
    status: 413,
    detail: `the body is larger than ${limit} bytes`,
  })
}
