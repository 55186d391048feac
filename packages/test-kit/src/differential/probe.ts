import { sha256 } from '../digest.js'
import type { Observation } from './observation.js'

/** Which parts of a response a step compares. Status is always compared. */
export interface Compare {
  headers?: readonly string[]
  /** `sha256`/`text` of the bytes, parsed `json`, or `tags` (a tag list, order-insensitive). */
  body?: 'sha256' | 'text' | 'json' | 'tags'
  /** Compare error codes. @default true for a response ≥ 400 to anything but HEAD */
  codes?: boolean
}

/** A request body: bytes with a length, or `stream` for chunked transfer encoding. */
export type Body = string | Buffer | { stream: Buffer }

/** One request. `target` is a path (`/v2/…`) or an absolute URL from a Location header. */
export interface Call {
  method: string
  target: string
  headers?: Record<string, string>
  body?: Body
}

/** A response, fully read, for the scenario to follow (its Location, its headers). */
export interface Reply {
  status: number
  headers: Headers
  /** The Location header resolved against the registry URL, or '' when absent. */
  location: string
  bytes: Buffer
}

/** Sends requests to one registry and records an {@link Observation} per step. */
export class Probe {
  readonly base: string
  readonly observations: Observation[] = []

  constructor(base: string) {
    this.base = base
  }

  async step(name: string, call: Call, compare: Compare = {}): Promise<Reply> {
    const url = new URL(call.target, this.base)
    const { body, init } = requestBody(call.body)
    const res = await fetch(url, {
      method: call.method,
      headers: call.headers,
      body,
      redirect: 'manual',
      ...init,
    })
    // distribution's 416 announces a Content-Length it never sends; the body is not compared.
    const bytes = Buffer.from(await res.arrayBuffer().catch(() => new ArrayBuffer(0)))
    const location = res.headers.get('location')
    const reply = {
      status: res.status,
      headers: res.headers,
      location: location ? new URL(location, url).href : '',
      bytes,
    }
    this.observations.push(this.observe(name, call.method, reply, compare))
    return reply
  }

  /** Records that a step could not run on this registry, so the comparison shows where. */
  abort(name: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error)
    this.observations.push({ step: name, status: -1, headers: {}, error: message })
  }

  private observe(step: string, method: string, reply: Reply, compare: Compare): Observation {
    const headers: Record<string, string | null> = {}
    // Docker clients look for it; distribution sends it on every response.
    for (const name of ['docker-distribution-api-version', ...(compare.headers ?? [])]) {
      headers[name] = normaliseHeader(name, reply.headers.get(name), this.base)
    }
    const observation: Observation = { step, status: reply.status, headers }
    if (compare.codes ?? (reply.status >= 400 && method !== 'HEAD')) {
      observation.codes = errorCodes(reply.bytes)
    }
    if (compare.body) observation.body = bodyOf(compare.body, reply.bytes)
    return observation
  }
}

/**
 * Makes a header comparable across implementations: Locations become same-origin paths with
 * the upload id replaced (distribution's are absolute and carry a signed `_state` query), an
 * upload UUID becomes its presence, Link targets get sorted, decoded query parameters, and
 * `charset` parameters on JSON and text are dropped. Manifest media types stay exact.
 */
export function normaliseHeader(name: string, value: string | null, base: string): string | null {
  if (value === null) return null
  switch (name) {
    case 'location': {
      const url = new URL(value, base)
      const origin = url.origin === new URL(base).origin ? '' : url.origin
      return origin + url.pathname.replace(/\/blobs\/uploads\/[^/]+$/, '/blobs/uploads/<id>')
    }
    case 'docker-upload-uuid':
      return value ? 'present' : 'empty'
    case 'link': {
      const match = /^<([^>]*)>\s*;\s*rel="?next"?$/.exec(value.trim())
      if (!match) return value
      const url = new URL(match[1] ?? '', base)
      const query = [...url.searchParams].sort(([a], [b]) => a.localeCompare(b))
      return `<${url.pathname}?${query.map(([k, v]) => `${k}=${v}`).join('&')}>; rel="next"`
    }
    case 'content-type': {
      const [type = ''] = value.split(';')
      return /^(application\/json|text\/plain)$/.test(type.trim()) ? type.trim() : value
    }
    default:
      return value
  }
}

// --- internal ---

function requestBody(body: Body | undefined): {
  body: RequestInit['body']
  init: { duplex?: 'half' }
} {
  if (body === undefined) return { body: undefined, init: {} }
  if (typeof body === 'string' || Buffer.isBuffer(body)) return { body, init: {} }
  // A ReadableStream has no known length, so fetch sends it with chunked transfer encoding.
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const half = Math.ceil(body.stream.length / 2)
      controller.enqueue(body.stream.subarray(0, half))
      controller.enqueue(body.stream.subarray(half))
      controller.close()
    },
  })
  return { body: stream, init: { duplex: 'half' } }
}

function errorCodes(bytes: Buffer): string[] {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { errors?: { code?: string }[] }
    return (parsed.errors ?? []).map((e) => e.code ?? '<no code>')
  } catch {
    return ['<not json>']
  }
}

function bodyOf(kind: NonNullable<Compare['body']>, bytes: Buffer): unknown {
  switch (kind) {
    case 'sha256':
      return sha256(bytes)
    case 'text':
      return bytes.toString('utf8')
    case 'json':
      return parseOr(bytes)
    case 'tags': {
      // distribution 2.8.2 lists tags in directory order and says `null` for none.
      const parsed = parseOr(bytes) as { name?: string; tags?: string[] | null }
      return { name: parsed?.name, tags: [...(parsed?.tags ?? [])].sort() }
    }
  }
}

function parseOr(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'))
  } catch {
    return `<not json: ${bytes.toString('utf8').slice(0, 80)}>`
  }
}
