import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { readdirSync, readlinkSync } from 'node:fs'
import { type ClientRequest, type IncomingHttpHeaders, request } from 'node:http'
import type { Socket } from 'node:net'
import { setImmediate as nextTurn } from 'node:timers/promises'

/**
 * Requests at the level of the socket, for the limits tests: bodies that stall, trickle or are
 * cut short, which `fetch` cannot send, and answers that arrive before the body is finished.
 */

/** A response read whole. */
export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  text: string
}

/** Where a request goes and what it declares. */
export interface RawRequest {
  method: string
  path: string
  headers?: Record<string, string | number>
}

/** Send a request with a whole body (or none, Content-Length 0 unless told) and read the response. */
export function send(base: string, req: RawRequest, body?: Uint8Array): Promise<RawResponse> {
  const headers = { ...req.headers }
  if (headers['transfer-encoding'] === undefined) headers['content-length'] ??= body?.length ?? 0
  const open = openRequest(base, { ...req, headers })
  open.request.end(body)
  return open.response
}

/** A request whose body the test writes, or never finishes. */
export interface OpenRequest {
  request: ClientRequest
  /** The response, whenever it comes (even before the body is finished). */
  response: Promise<RawResponse>
  /** Milliseconds from the start of the request until its connection closed. */
  closed: Promise<number>
  /** Drop the connection, as a client that gives up. */
  destroy(): void
}

/** Start a request and leave its body to the caller (nothing is sent until it writes). */
export function openRequest(base: string, req: RawRequest): OpenRequest {
  const started = performance.now()
  const request_ = request(new URL(req.path, base), {
    method: req.method,
    headers: req.headers,
    agent: false,
  })
  request_.flushHeaders()
  const response = new Promise<RawResponse>((resolve, reject) => {
    request_.once('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.once('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      )
      res.once('error', reject)
    })
    request_.once('error', reject)
  })
  // The tests look at responses and closings; a reset connection is one of the outcomes.
  response.catch(() => {})
  const closed = new Promise<number>((resolve) => {
    request_.once('socket', (socket) =>
      socket.once('close', () => resolve(performance.now() - started)),
    )
  })
  return { request: request_, response, closed, destroy: () => request_.destroy() }
}

/**
 * Send `bytes` of a request's body one per TCP segment, as a client that trickles: Nagle off, one
 * byte written, then a turn of the event loop before the next (so the server reads each alone).
 */
export async function trickle(request: ClientRequest, bytes: Uint8Array): Promise<void> {
  const socket = request.socket ?? ((await once(request, 'socket')) as [Socket])[0]
  if (socket.connecting) await once(socket, 'connect')
  socket.setNoDelay(true)
  for (let i = 0; i < bytes.byteLength; i++) {
    request.write(bytes.subarray(i, i + 1))
    await nextTurn()
  }
}

/** The first OCI error code of a response body, if it is an OCI error body. */
export function errorCode(response: RawResponse): string | undefined {
  try {
    return (JSON.parse(response.text) as { errors?: { code?: string }[] }).errors?.[0]?.code
  } catch {
    return undefined
  }
}

/** The detail of the first OCI error of a response body. */
export function errorDetail(response: RawResponse): unknown {
  return (JSON.parse(response.text) as { errors: { detail: unknown }[] }).errors[0]?.detail
}

/** `Authorization: Basic …` */
export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}

/** `sha256:…` of some bytes. */
export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

/** Descriptors this process holds open on files under `dir`. */
export function openFilesUnder(dir: string): number {
  return openDescriptorTargets().filter((target) => target.startsWith(`${dir}/`)).length
}

/**
 * Waits up to `withinMs` for this process to hold no file under `dir` open; returns how many it
 * still holds then.
 */
export async function openFilesUnderAfter(dir: string, withinMs: number): Promise<number> {
  const deadline = performance.now() + withinMs
  let open = openFilesUnder(dir)
  while (open > 0 && performance.now() < deadline) {
    await sleep(50)
    open = openFilesUnder(dir)
  }
  return open
}

/** Descriptors this process holds open. */
export function openDescriptors(): number {
  return openDescriptorTargets().length
}

/** Resolve after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function openDescriptorTargets(): string[] {
  const targets: string[] = []
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      targets.push(readlinkSync(`/proc/self/fd/${fd}`))
    } catch {
      // closed between listing and reading
    }
  }
  return targets
}
