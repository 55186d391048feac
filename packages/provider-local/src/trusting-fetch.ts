import { Agent, request } from 'node:https'
import * as tls from 'node:tls'

/** The part of `fetch` the provider uses: a URL and init, never a `Request` object. */
export type Fetch = (url: string | URL, init?: RequestInit) => Promise<Response>

/** A {@link Fetch} with connections to let go of. */
export interface ClosableFetch {
  fetch: Fetch
  /** Close the kept-alive connections. */
  close(): void
}

/**
 * How long a request may go without a byte in either direction, connecting included, before it
 * fails: the global `fetch` gives up after as long on headers, or on a body, that stop coming.
 */
const IDLE_TIMEOUT_MS = 300_000

/** Statuses a `Response` must be built without a body for (the constructor throws otherwise). */
const BODILESS = new Set([101, 103, 204, 205, 304])

/**
 * A `fetch` for HTTPS servers whose certificate comes from a private CA (or is self-signed):
 * it trusts `ca` on top of Node's default CAs (its bundle, `NODE_EXTRA_CA_CERTS`, and the
 * system store under `--use-system-ca`), and still checks the certificate's names. Node's
 * global `fetch` takes no CA per call, and setting one process-wide is not a library's business.
 *
 * Made for the provider's own calls: bodies are strings or bytes and are read whole, redirects
 * are not followed (a registry's API answers none to these calls), and failures reject with a
 * `TypeError` whose `cause` is the network error, as the global `fetch` does. Plain `http:` URLs
 * go to the global `fetch`. A request that goes `idleTimeoutMs` without a byte fails with the
 * network error `ETIMEDOUT`, as one the global `fetch` gives up on: without it, a registry that
 * hung with its connection open hung the call for ever.
 */
export function fetchTrusting(
  ca: readonly (string | Buffer)[],
  { idleTimeoutMs = IDLE_TIMEOUT_MS }: { idleTimeoutMs?: number } = {},
): ClosableFetch {
  const agent = new Agent({ ca: [...defaultCertificates(), ...ca], keepAlive: true })
  const fetchWithCa: Fetch = (url, init = {}) => {
    const target = new URL(url)
    if (target.protocol !== 'https:') return fetch(target, init)
    return new Promise<Response>((resolve, reject) => {
      let timedOut: Error | undefined
      // Once timed out, the response's own error (the connection destroyed) is that timeout.
      const fail = (error: unknown): void => {
        reject(new TypeError('fetch failed', { cause: timedOut ?? error }))
      }
      const { signal } = init
      if (signal?.aborted) return reject(signal.reason)
      const headers = Object.fromEntries(new Headers(init.headers))
      const options = { method: init.method ?? 'GET', headers, agent, timeout: idleTimeoutMs }
      const req = request(target, options, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', fail)
        res.on('end', () => {
          try {
            resolve(toResponse(res.statusCode ?? 502, res.headers, chunks, init.method))
          } catch (error) {
            fail(error)
          }
        })
      })
      const abort = (): void => {
        req.destroy()
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', abort, { once: true })
      req.on('close', () => signal?.removeEventListener('abort', abort))
      req.on('timeout', () => {
        timedOut = idleTimeout(target.origin, idleTimeoutMs)
        req.destroy(timedOut)
      })
      req.on('error', fail)
      try {
        req.end(requestBody(init.body))
      } catch (error) {
        req.destroy()
        reject(error)
      }
    })
  }
  return { fetch: fetchWithCa, close: () => agent.destroy() }
}

// --- internal ---

/** The network error of a request that went silent: `ETIMEDOUT`, which maps to `TIMEOUT`. */
function idleTimeout(origin: string, ms: number): Error {
  return Object.assign(new Error(`no data from ${origin} for ${ms} ms`), { code: 'ETIMEDOUT' })
}

/** Node's default CAs where it can list them (22.15+), else its bundled roots. */
function defaultCertificates(): readonly string[] {
  const list = (tls as { getCACertificates?: (kind: 'default') => string[] }).getCACertificates
  return list ? list('default') : tls.rootCertificates
}

function toResponse(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  chunks: Buffer[],
  method: string | undefined,
): Response {
  const responseHeaders = new Headers()
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value ?? '']) responseHeaders.append(name, v)
  }
  const body = BODILESS.has(status) || method === 'HEAD' ? null : Buffer.concat(chunks)
  return new Response(body, { status, headers: responseHeaders })
}

function requestBody(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string' || body instanceof Uint8Array) return body
  throw new TypeError('fetchTrusting sends only string and byte bodies')
}
