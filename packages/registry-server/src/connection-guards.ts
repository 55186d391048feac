import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { capConnections } from './connection-cap.js'
import { ConnectionTurns, PIPELINED_TOO_DEEP } from './connection-turns.js'
import { hasBody, sendError } from './http.js'
import type { Log } from './log.js'
import type { RequestLimits } from './request-limits.js'
import { traceRequest } from './request-log.js'
import { StalledBodyReaper } from './stalled-body-reaper.js'
import { StalledSendReaper } from './stalled-send-reaper.js'

/** The limits {@link ConnectionGuards} applies. */
export type ConnectionLimits = Pick<
  RequestLimits,
  'maxConnections' | 'headersTimeoutMs' | 'bodyTimeoutMs' | 'minBodyBytes' | 'sendTimeoutMs'
>

/**
 * What keeps one client from holding a server's connections, and what they hold, for ever; the
 * registry and the standalone token service both serve with it:
 * - at most `maxConnections` connections are open at once ({@link capConnections});
 * - headers must arrive within `headersTimeoutMs` (Node's own check, in {@link serverOptions});
 * - a request body must keep arriving ({@link StalledBodyReaper});
 * - a response must keep being taken ({@link StalledSendReaper});
 * - pipelined requests are handled one at a time per connection ({@link ConnectionTurns}).
 */
export class ConnectionGuards {
  /** Options for `http.createServer` / `https.createServer`. */
  readonly serverOptions: ServerOptions
  readonly #bodies: StalledBodyReaper
  readonly #sends: StalledSendReaper
  readonly #turns = new ConnectionTurns()
  readonly #maxConnections: number
  // Requests still being handled, which a server's `close` waits for (see `settled`).
  readonly #handling = new Set<Promise<void>>()

  constructor(limits: ConnectionLimits) {
    this.serverOptions = {
      // No limit on a whole request (a large push takes what it takes): bodies that stall are
      // ended by the reaper instead.
      requestTimeout: 0,
      headersTimeout: limits.headersTimeoutMs,
      // How often Node looks for connections past the headers timeout (its default is 30 s).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs / 4),
      keepAliveTimeout: 30_000,
    }
    this.#maxConnections = limits.maxConnections
    this.#bodies = new StalledBodyReaper(limits.bodyTimeoutMs, limits.minBodyBytes)
    this.#sends = new StalledSendReaper(limits.sendTimeoutMs)
  }

  /**
   * Watch the connections of `server`, created with {@link serverOptions}; `log` hears of the
   * connections refused past the cap.
   */
  watch(server: Server, tls: boolean, log: Log): void {
    capConnections(server, this.#maxConnections, log)
    // Over TLS the TLS socket holds what waits to be sent, not the TCP socket beneath it.
    const watchSocket = (socket: Socket): void => this.#sends.watch(socket)
    server.on(tls ? 'secureConnection' : 'connection', watchSocket)
  }

  /**
   * The server's request listener: each request is logged, its body watched, handled by `handle`
   * in its turn on its connection (not at all when its connection closed first and no one is left
   * to answer), and a failure answered with the registry's error bodies (a failure of our own is a
   * bare 500 UNKNOWN, or 507 for a full disk, telling nothing of the machine it is on).
   */
  listener(
    log: Log,
    handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  ): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      const recordFailure = traceRequest(log, req, res)
      if (hasBody(req)) this.#bodies.watch(req, res)
      // `handle` runs inside the chain: what it throws, even at once, is answered.
      const handled = this.#turns
        .turnOf(req, res)
        .then((turn) => {
          // Refused for what its client sent: logged as a refusal, not as a fault of ours.
          if (turn === 'refused') recordFailure(PIPELINED_TOO_DEEP)
          return turn === 'yours' ? handle(req, res) : undefined
        })
        .catch((error: unknown) => {
          recordFailure(error)
          sendError({ req, res }, error)
        })
      this.#handling.add(handled)
      void handled.finally(() => this.#handling.delete(handled))
    }
  }

  /**
   * Resolves once every request handled so far has ended. After the server's connections are
   * closed they end soon (reading or sending a body fails); a commit, a delete or a mint must not
   * touch the data directory once its lock is let go.
   */
  async settled(): Promise<void> {
    await Promise.allSettled(this.#handling)
  }

  /** Stop watching (the server is closing). */
  close(): void {
    this.#bodies.close()
    this.#sends.close()
  }
}
