import type { IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import { sendJson } from './http.js'
import { OciError } from './oci-errors.js'
import { PeriodicSweep, type SweepVerdict } from './periodic-sweep.js'

interface WatchedBody {
  req: IncomingMessage
  res: ServerResponse
  /** When the current span began, and the connection's bytes read then. */
  spanStart: number
  bytesAtSpanStart: number
  /**
   * The last span ended with bytes waiting that the server had not read: the server, not the
   * client, was behind, and the span after it began before the server read again.
   */
  serverWasBehind: boolean
}

/**
 * Ends request bodies that stall or trickle: each must bring at least `minBytes` in every span of
 * `timeoutMs`, or it is answered 408 `REQUEST_TIMEOUT` and its connection closed, so a client
 * that declares a body and sends nothing cannot hold a connection (and what it holds) forever.
 *
 * One timer looks at the bodies in flight a few times per span, comparing the connection's byte
 * count: nothing runs per chunk, so a healthy upload pays nothing per byte. Bytes received but
 * not yet read by the server count as progress, so the server's own slowness (a busy disk) is
 * never blamed on the client.
 */
export class StalledBodyReaper {
  readonly #timeoutMs: number
  readonly #minBytes: number
  readonly #watched: PeriodicSweep<WatchedBody>

  constructor(timeoutMs: number, minBytes: number) {
    this.#timeoutMs = timeoutMs
    this.#minBytes = minBytes
    this.#watched = new PeriodicSweep(timeoutMs, (body, now) => this.#look(body, now))
  }

  /** Watch the body of `req` until it is complete or its connection is gone. */
  watch(req: IncomingMessage, res: ServerResponse): void {
    this.#watched.add({
      req,
      res,
      spanStart: performance.now(),
      bytesAtSpanStart: req.socket.bytesRead,
      serverWasBehind: false,
    })
  }

  /** Stop watching (the server is closing). */
  close(): void {
    this.#watched.close()
  }

  #look(body: WatchedBody, now: number): SweepVerdict {
    const { req } = body
    if (req.complete || req.destroyed) return 'drop'
    if (now - body.spanStart < this.#timeoutMs) return 'keep'
    const bytesRead = req.socket.bytesRead
    const serverBehind = req.readableLength > 0
    // After a span in which the server was behind, one more span is given before the client is
    // judged: the server may have drained what waited only just before this look, and the
    // client's next bytes not been read yet (a busy event loop runs timers before it reads).
    if (
      bytesRead - body.bytesAtSpanStart >= this.#minBytes ||
      serverBehind ||
      body.serverWasBehind
    ) {
      body.spanStart = now
      body.bytesAtSpanStart = bytesRead
      body.serverWasBehind = serverBehind
      return 'keep'
    }
    this.#end(body)
    return 'drop'
  }

  #end({ req, res }: WatchedBody): void {
    const error = new OciError('REQUEST_TIMEOUT', {
      detail: `fewer than ${this.#minBytes} bytes of the request body arrived in ${this.#timeoutMs / 1000} s`,
    })
    if (!res.headersSent)
      sendJson({ req, res }, error.status, error.toBody(), { Connection: 'close' })
    // A handler reading the body fails with this error (a 4xx in the request log).
    req.destroy(error)
  }
}
