import type { IncomingMessage, ServerResponse } from 'node:http'

/** How long the rest of a refused body is read and dropped before the connection is closed. */
const DRAIN_MS = 2000
/** How much of it, at most (a fast client sends this much in well under `DRAIN_MS`). */
const DRAIN_BYTES = 64 * 1024 * 1024

/**
 * Whether a request's body was being read when it was refused, and its client may still be
 * sending: closing at once would reset a connection with unread data, and the client would see
 * EPIPE or ECONNRESET on its next write instead of the answer.
 */
export function isSendingBody(req: IncomingMessage): boolean {
  return req.readableDidRead && !req.complete && !req.destroyed
}

/**
 * Answer a request whose body is still arriving (see {@link isSendingBody}), then close: the
 * whole answer is written with `Connection: close`, the rest of the body is read and dropped
 * until it ends, the client goes, or `DRAIN_MS` or `DRAIN_BYTES` run out, and only then is the
 * response ended (which closes the connection). A client reads the answer in that time and stops.
 */
export function answerThenClose(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  payload: Uint8Array,
): void {
  res.writeHead(status, {
    ...headers,
    'Content-Length': String(payload.byteLength),
    Connection: 'close',
  })
  res.write(payload)
  let drained = 0
  const finish = (): void => {
    clearTimeout(timer)
    req.off('data', discard)
    req.off('end', finish)
    req.off('close', finish)
    if (!res.writableEnded) res.end()
  }
  const discard = (chunk: Buffer): void => {
    drained += chunk.byteLength
    if (drained > DRAIN_BYTES) finish()
  }
  const timer = setTimeout(finish, DRAIN_MS)
  req.on('data', discard)
  req.once('end', finish)
  req.once('close', finish)
  req.resume()
}
