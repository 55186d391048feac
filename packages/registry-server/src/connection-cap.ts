import type { Server } from 'node:net'
import type { Log } from './log.js'

/** How often, at most, refused connections are logged: a flood of them must not flood the log. */
const REFUSAL_LOG_INTERVAL_MS = 10_000

/**
 * Hold `server` to `max` open connections: Node closes each one past the cap as soon as it is
 * accepted (it never reaches the HTTP server). The refusals are logged at `error`, since the
 * operator's clients are being turned away: the first at once, then at most one line every 10 s
 * with how many were refused since the last.
 */
export function capConnections(server: Server, max: number, log: Log): void {
  server.maxConnections = max
  let refused = 0
  let lastLogged = Number.NEGATIVE_INFINITY
  server.on('drop', () => {
    refused += 1
    const now = Date.now()
    if (now - lastLogged < REFUSAL_LOG_INTERVAL_MS) return
    log.write({
      level: 'error',
      msg: 'connections refused: the server holds the most it may (maxConnections)',
      maxConnections: max,
      refused,
    })
    refused = 0
    lastLogged = now
  })
}
