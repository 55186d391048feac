import { type Server, STATUS_CODES } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { OciError } from './oci-errors.js'

/**
 * Answer the requests Node's HTTP parser refuses before any handler sees them (headers over
 * Node's `maxHeaderSize`, 16 KiB by default; a malformed request line; headers that never end)
 * with an OCI error body, as every other refusal is, instead of Node's bare status line. The
 * connection is closed after the answer: the parser cannot tell where a next request would start.
 */
export function answerClientErrors(server: Server | HttpsServer): void {
  server.on('clientError', (error: NodeJS.ErrnoException, duplex: Duplex) => {
    const socket = duplex as Socket
    if (
      error.code === 'ECONNRESET' ||
      isTlsFailure(error) ||
      !socket.writable ||
      answering(socket)
    ) {
      socket.destroy()
      return
    }
    socket.write(rawResponse(refusal(error.code)))
    // Closed once the answer is flushed, as Node itself does after its bare status line.
    socket.destroySoon()
  })
}

// --- Internal ---

/**
 * Whether the connection failed in its TLS handshake (it timed out, or the client sent no TLS):
 * no HTTP was ever spoken on it, so there is nothing to answer. An answer written into a handshake
 * that timed out waited there for ever, and the connection, and its place under `maxConnections`,
 * with it.
 */
function isTlsFailure(error: NodeJS.ErrnoException): boolean {
  return /^ERR_(TLS|SSL)_/.test(error.code ?? '')
}

function refusal(code: string | undefined): OciError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new OciError('SIZE_INVALID', {
        status: 431,
        message: 'the request headers are too large',
      })
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new OciError('SIZE_INVALID', {
        status: 413,
        message: 'the chunk extensions of the request body are too large',
      })
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new OciError('REQUEST_TIMEOUT', {
        message: 'the request headers did not arrive in time',
      })
    default:
      return new OciError('UNSUPPORTED', { status: 400, message: 'malformed HTTP request' })
  }
}

/**
 * Whether a response on this connection has started: bytes of an answer to a bad request would
 * then corrupt it, so the connection is only closed. `_httpMessage` is the response Node is
 * writing on the socket; should it ever go away, this errs on the side of answering.
 */
function answering(socket: Socket): boolean {
  const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
  return current?.headersSent === true
}

function rawResponse(error: OciError): string {
  const body = JSON.stringify(error.toBody())
  return [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n')
}
