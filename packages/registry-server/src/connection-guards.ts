import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { ConnectionTurns } from './connection-turns.js'
import { hasBody } from './http.js'
import type { RequestLimits } from './request-limits.js'
import { StalledBodyReaper } from './stalled-body-reaper.js'
import { StalledSendReaper } from './stalled-send-reaper.js'

/** The limits {@link ConnectionGuards} applies. */
export type ConnectionLimits = Pick<
  RequestLimits,
  'headersTimeoutMs' | 'bodyTimeoutMs' | 'minBodyBytes' | 'sendTimeoutMs'
>

/**
 * What keeps one client from holding a server's connections, and what they hold, for ever; the
 * registry and the standalone token service both serve with it:
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
    this.#bodies = new StalledBodyReaper(limits.bodyTimeoutMs, limits.minBodyBytes)
    this.#sends = new StalledSendReaper(limits.sendTimeoutMs)
  }

  /** Watch the connections of `server`, created with {@link serverOptions}. */
  watch(server: Server, tls: boolean): void {
    // Over TLS the TLS socket holds what waits to be sent, not the TCP socket beneath it.
    const watchSocket = (socket: Socket): void => this.#sends.watch(socket)
    server.on(tls ? 'secureConnection' : 'connection', watchSocket)
  }

  /**
   * Called as a request arrives: watches its body, and resolves to `true` when it may be handled
   * (once the responses before it on its connection have been sent), `false` when its connection
   * closed first and no one is left to answer.
   */
  admit(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (hasBody(req)) this.#bodies.watch(req, res)
    return this.#turns.turnOf(req, res)
  }

  /** Stop watching (the server is closing). */
  close(): void {
    this.#bodies.close()
    this.#sends.close()
  }
}
