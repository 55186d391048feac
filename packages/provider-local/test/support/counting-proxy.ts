import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A proxy on 127.0.0.1 in front of a registry, and what it forwarded. */
export interface CountingProxy extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`: give it to the client instead of the registry's. */
  readonly url: string
  /** `METHOD path status` of each request forwarded since the last call, oldest first. */
  take(): string[]
}

/** What the proxy answers itself instead of forwarding. */
export interface ProxyOptions {
  /**
   * The status to answer a request with instead of forwarding it; `undefined` forwards it.
   * `url` is the path with its query.
   */
  readonly answer?: (method: string, path: string, url: string) => number | undefined
  /** The `Link` header to send instead of the registry's (`null`: none) for a request's `url`. */
  readonly link?: (url: string, link: string | null) => string | null
  /**
   * Whether to cut the registry's answer to a request short: its status, its headers (with the
   * whole body's length) and half its body, then the connection is closed, as when the network
   * or the registry fails while the answer is read.
   */
  readonly cut?: (method: string, path: string) => boolean
}

// Hop-by-hop and length headers: the proxy sends the body it holds, with its own framing.
const DROPPED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive'])

/**
 * Forward every request to `target` and record it: the request log of a registry that keeps
 * none (registry:2 runs with its access log off). Bodies are buffered; test-sized only.
 */
export async function countingProxy(
  target: string,
  options: ProxyOptions = {},
): Promise<CountingProxy> {
  let forwarded: string[] = []
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', target).pathname
    const status = options.answer?.(req.method ?? 'GET', path, req.url ?? '/')
    if (status !== undefined) {
      // Answered here, nothing forwarded: a 404 is how a registry:2 answers a path of ours.
      forwarded.push(`${req.method} ${path} ${status}`)
      req.resume()
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(`{"errors":[{"code":"UNKNOWN","message":"answered ${status} by the proxy"}]}`)
      return
    }
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const headers = Object.entries(req.headers).flatMap(([name, value]) =>
      typeof value === 'string' && !DROPPED.has(name) ? [[name, value] as [string, string]] : [],
    )
    const answer = await fetch(`${target}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      ...(chunks.length > 0 && { body: Buffer.concat(chunks) }),
      redirect: 'manual',
    })
    const body = Buffer.from(await answer.arrayBuffer())
    forwarded.push(`${req.method} ${new URL(req.url ?? '/', target).pathname} ${answer.status}`)
    const kept = [...answer.headers].filter(([name]) => !DROPPED.has(name) && name !== 'link')
    const link = options.link
      ? options.link(req.url ?? '/', answer.headers.get('link'))
      : answer.headers.get('link')
    if (link !== null) kept.push(['link', link])
    if (options.cut?.(req.method ?? 'GET', path)) {
      res.writeHead(answer.status, {
        ...Object.fromEntries(kept),
        'content-length': String(body.length),
      })
      res.write(body.subarray(0, Math.floor(body.length / 2)))
      // Once the half is on its way: the client has the headers and part of the body.
      setTimeout(() => res.socket?.destroy(), 20)
      return
    }
    res.writeHead(answer.status, Object.fromEntries(kept))
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    take() {
      const taken = forwarded
      forwarded = []
      return taken
    },
    [Symbol.asyncDispose]: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
