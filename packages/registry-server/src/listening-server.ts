import type { Server } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'

/** A server listening on a host and port, with its URL and an idempotent close. */
export interface Listening {
  url: string
  port: number
  close: () => Promise<void>
}

/**
 * Listen on `host:port` (0 picks a free port) and return the URL. `close()` stops accepting,
 * ends open connections (idle keep-alive ones would hold it open, and so would a TLS connection
 * still in its handshake) and may be called twice.
 */
export async function listen(
  server: Server | HttpsServer,
  host: string,
  port: number,
): Promise<Listening> {
  // Every accepted socket, not only those the HTTP server knows: over TLS it learns of a
  // connection once its handshake is done, so `closeAllConnections` left one whose client never
  // finished it, and `close` waited for it as long as the client liked.
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const bound = (server.address() as AddressInfo).port
  const close = async (): Promise<void> => {
    if (!server.listening) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    for (const socket of sockets) socket.destroy()
    await closed
  }
  // An https.Server is a tls.Server underneath, which is how it tells itself apart.
  const scheme = 'setSecureContext' in server ? 'https' : 'http'
  const authority = `${host.includes(':') ? `[${host}]` : host}:${bound}`
  return { url: `${scheme}://${authority}`, port: bound, close }
}
