import { connect } from 'node:net'

/** How a raw request ended. */
export type RawOutcome =
  | { kind: 'answered'; status: number; head: string }
  | { kind: 'closed' } // the connection ended before any status line
  | { kind: 'timeout' }

/** The parts of a request written as they are: no checks, so any byte sequence can be sent. */
export interface RawRequest {
  /** Everything up to and including the blank line after the headers. */
  head: string | Buffer
  /** Body bytes, written after the head. */
  body?: Buffer
}

/**
 * Sends `request` over a fresh TCP connection to 127.0.0.1:`port` and waits for the status line
 * and headers of the answer (the body is not read), at most `timeoutMs`.
 */
export function sendRaw(port: number, request: RawRequest, timeoutMs: number): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    let received = Buffer.alloc(0)
    let settled = false
    const finish = (outcome: RawOutcome): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve(outcome)
    }
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs)
    socket.on('connect', () => {
      socket.write(request.head)
      if (request.body !== undefined && request.body.length > 0) socket.write(request.body)
    })
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      const end = received.indexOf('\r\n\r\n')
      if (end < 0 && received.length < 65_536) return
      const head = received.subarray(0, end < 0 ? received.length : end).toString('latin1')
      const status = Number(head.match(/^HTTP\/1\.[01] (\d{3})/)?.[1])
      finish(Number.isInteger(status) ? { kind: 'answered', status, head } : { kind: 'closed' })
    })
    // A server that answers early and closes while the body is still being written resets the
    // connection: what counts is whether an answer came first.
    socket.on('error', () => finish({ kind: 'closed' }))
    socket.on('close', () => finish({ kind: 'closed' }))
  })
}

/** A request head: the request line, `Host`, the given headers, `Connection: close`. */
export function head(
  method: string,
  target: string,
  port: number,
  headers: Record<string, string> = {},
): string {
  const lines = [`${method} ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`]
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
  lines.push('Connection: close', '', '')
  return lines.join('\r\n')
}

/** A request with a body of exactly its bytes (`Content-Length` set unless given). */
export function withBody(
  method: string,
  target: string,
  port: number,
  body: Buffer,
  headers: Record<string, string> = {},
): RawRequest {
  const all = { 'Content-Length': String(body.length), ...headers }
  return { head: head(method, target, port, all), body }
}
