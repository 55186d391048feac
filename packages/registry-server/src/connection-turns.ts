import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { OciError } from './oci-errors.js'

/**
 * How many requests of one connection may wait for their turn. Clients that pipeline send a few
 * requests ahead (none of docker, containerd, skopeo pipelines at all); one that sends more is
 * answered 503 and closed. Without a cap, each waiting request is held in memory and nothing
 * makes Node stop reading the connection (it pauses one only for answers queued, and these have
 * none yet): one connection sending 3 MB of `GET /v2/` kept the server busy for 109 s, and 20 MB
 * per connection grew the heap by 2 GB.
 */
export const MAX_WAITING_PER_CONNECTION = 32

/** Whether a request may be handled now, its connection closed first, or it was refused. */
export type Turn = 'yours' | 'gone' | 'refused'

/**
 * What a request refused for pipelining too deep stands for, for the request log: an answer
 * chosen because of what its client sent, not a failure of the server. Logged as one, each cost
 * an error line at the default level, and one connection writing 35 KB of `GET /v2/` left 150
 * KB of them.
 */
export const PIPELINED_TOO_DEEP: OciError = new OciError('TOOMANYREQUESTS', {
  status: 503,
  detail: { limit: 'pipelined requests waiting', max: MAX_WAITING_PER_CONNECTION },
})

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
 * Node would never send its response. A request arriving while
 * {@link MAX_WAITING_PER_CONNECTION} wait is not handled: it is answered 503 and the connection
 * closed after it. Clients that do not pipeline never wait.
 */
export class ConnectionTurns {
  // What each connection's close must tell its waiting requests; one `close` listener per
  // connection, however many wait (one per request made closing cost the square of their number).
  readonly #waiting = new WeakMap<Socket, Set<() => void>>()

  /**
   * Resolves to `yours` when `req` may be handled, `gone` if its connection closed first, or
   * `refused` when it was answered 503 unhandled (too many waiting).
   */
  turnOf(req: IncomingMessage, res: ServerResponse): Promise<Turn> {
    if (res.socket !== null) return Promise.resolve('yours')
    const connection = req.socket
    if (connection.destroyed) return Promise.resolve('gone')
    const waiting = this.#waitingOn(connection)
    if (waiting.size >= MAX_WAITING_PER_CONNECTION) {
      refuse(res)
      return Promise.resolve('refused')
    }
    return new Promise((resolve) => {
      const onClose = (): void => {
        res.off('socket', onSocket)
        resolve('gone')
      }
      const onSocket = (): void => {
        waiting.delete(onClose)
        resolve('yours')
      }
      waiting.add(onClose)
      res.once('socket', onSocket)
    })
  }

  #waitingOn(connection: Socket): Set<() => void> {
    let waiting = this.#waiting.get(connection)
    if (waiting === undefined) {
      const created = new Set<() => void>()
      connection.once('close', () => {
        for (const closed of created) closed()
        created.clear()
      })
      this.#waiting.set(connection, created)
      waiting = created
    }
    return waiting
  }
}

/**
 * Answers a request past the cap, unhandled, with 503 and `Connection: close`: it is sent after
 * the answers before it, then Node closes the connection, so a client that pipelines too deep
 * still gets those and can send the rest again. Each such answer waits in Node's queue, and once
 * 16 KiB of them wait Node stops reading the connection: what a flood holds stays bounded.
 */
function refuse(res: ServerResponse): void {
  res.shouldKeepAlive = false
  res.writeHead(503, { 'Retry-After': '1', 'Content-Length': '0' })
  res.end()
}
