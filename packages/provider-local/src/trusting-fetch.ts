import { Agent, request } from 'node:https'
import { rootCertificates } from 'node:tls'

/** The part of `fetch` the provider uses: a URL and init, never a `Request` object. */
export type Fetch = (url: string | URL, init?: RequestInit) => Promise<Response>

/**
 * A `fetch` for HTTPS servers whose certificate comes from a private CA (or is self-signed):
 * it trusts `ca` on top of Node's usual roots, and still checks the certificate's names. Node's
 * global `fetch` takes no CA per call, and setting one process-wide is not a library's business.
 * Bodies are read whole: the provider only sends and receives manifests and small JSON.
 * Plain `http:` URLs go to the global `fetch`.
 */
export function fetchTrusting(ca: readonly (string | Buffer)[]): Fetch {
  const agent = new Agent({ ca: [...rootCertificates, ...ca], keepAlive: true })
  return (url, init = {}) => {
    const target = new URL(url)
    if (target.protocol !== 'https:') return fetch(target, init)
    return new Promise<Response>((resolve, reject) => {
      const headers = Object.fromEntries(new Headers(init.headers))
      const req = request(target, { method: init.method ?? 'GET', headers, agent }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          const status = res.statusCode ?? 502
          const responseHeaders = new Headers()
          for (const [name, value] of Object.entries(res.headers)) {
            for (const v of Array.isArray(value) ? value : [value ?? '']) {
              responseHeaders.append(name, v)
            }
          }
          // A Response refuses a body (even an empty one) for these statuses.
          const bodiless = status === 204 || status === 304 || init.method === 'HEAD'
          const body = bodiless ? null : Buffer.concat(chunks)
          resolve(new Response(body, { status, headers: responseHeaders }))
        })
      })
      req.on('error', reject)
      init.signal?.addEventListener('abort', () => req.destroy(init.signal?.reason as Error))
      req.end(requestBody(init.body))
    })
  }
}

function requestBody(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string' || body instanceof Uint8Array) return body
  throw new TypeError('fetchTrusting sends only string and byte bodies')
}
