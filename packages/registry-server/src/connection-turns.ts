import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/**
 * Runs the requests of one connection one after another.
 *
 * HTTP/1.1 lets a client send requests before the answers to the earlier ones (pipelining), and
 * Node hands each request to the server as soon as it is parsed; its response waits its turn in
 * memory. Handled at once, 400 pipelined blob `GET`s in one 43 KB packet opened 400 files and read
 * part of each into buffers no one could send yet, and manifests were held whole. Here a request
 * waits until the response before it on its connection has ended (sent, or its connection gone),
 * so a connection holds the resources of one request at a time. Clients that do not pipeline
 * (Docker, containerd, skopeo) never wait.
 */
export class ConnectionTurns {
  readonly #lastResponse = new WeakMap<Socket, Promise<void>>()

  /** Resolves when `req` may be handled; `res` is the response the next request waits for. */
  turnOf(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const socket = req.socket
    const previous = this.#lastResponse.get(socket)
    this.#lastResponse.set(socket, ended(res))
    return previous ?? Promise.resolve()
  }
}

function ended(res: ServerResponse): Promise<void> {
  if (res.writableFinished || res.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    res.once('finish', resolve)
    res.once('close', resolve)
  })
}
