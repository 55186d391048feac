import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * Runs the requests of one connection one after another.
 *
 * HTTP/1.1 lets a client send requests before the answers to the earlier ones (pipelining), and
 * Node hands each request to the server as soon as it is parsed; its response waits in Node's
 * queue until the connection is free. Handled at once, 400 pipelined blob `GET`s in one 43 KB
 * packet opened 400 files and read part of each into buffers no one could send yet. Here a
 * request is handled only once its response has the connection, which Node gives it when the
 * response before it has been sent, whoever made that one (the server, or Node itself answering
 * a malformed request). A request whose connection closes while it waits is not handled at all:
 * Node would never send its response. Clients that do not pipeline (Docker, containerd, skopeo)
 * never wait.
 */
export class ConnectionTurns {
  /** Resolves to `true` when `req` may be handled, `false` if its connection closed first. */
  turnOf(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (res.socket !== null) return Promise.resolve(true)
    const connection = req.socket
    if (connection.destroyed) return Promise.resolve(false)
    return new Promise((resolve) => {
      const settle = (mine: boolean): void => {
        res.off('socket', onSocket)
        connection.off('close', onClose)
        resolve(mine)
      }
      const onSocket = (): void => settle(true)
      const onClose = (): void => settle(false)
      res.once('socket', onSocket)
      connection.once('close', onClose)
    })
  }
}
