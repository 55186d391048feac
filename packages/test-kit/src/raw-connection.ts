import { once } from 'node:events'
import { connect, type Socket } from 'node:net'

/** A connection of its own, and the status line of the answer to one request on it. */
export interface AnsweredConnection {
  /** Still open unless the server closed it; the caller destroys it. */
  socket: Socket
  /** `HTTP/1.1 200 OK`, or '' when the server closed the connection without an answer. */
  statusLine: string
}

/**
 * Open a new connection to `url`'s host and port (no agent, no pool: a connection of its own, as
 * a test of connection limits needs) and send `GET path` on it.
 */
export async function askOnNewConnection(url: string, path = '/v2/'): Promise<AnsweredConnection> {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  socket.on('error', () => {})
  await once(socket, 'connect')
  const statusLine = await new Promise<string>((resolve) => {
    let received = ''
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1')
      if (received.includes('\r\n\r\n')) resolve(received.split('\r\n')[0] ?? '')
    })
    socket.once('close', () => resolve(received))
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`)
  })
  return { socket, statusLine }
}
