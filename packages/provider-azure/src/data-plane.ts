import type { IncomingHttpHeaders } from 'node:http'
import { Agent, request } from 'node:https'
import { redact } from './map-error.js'

/** A non-2xx answer of the registry's data plane; `status` and `headers` drive error mapping. */
export class DataPlaneError extends Error {
  override readonly name = 'DataPlaneError'
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** The registry's error code (`UNAUTHORIZED`, `DENIED`, `NAME_UNKNOWN`, …), when it sent one. */
  readonly code: string | undefined

  constructor(response: DataPlaneResponse, what: string) {
    const { code, message } = errorOf(response.body)
    super(
      `${what}: HTTP ${response.status}${code ? ` ${code}` : ''}${message ? `: ${redact(message)}` : ''}`,
    )
    this.status = response.status
    this.headers = response.headers
    this.code = code
  }
}

/** An answer of the data plane, body parsed as JSON when it is JSON. */
export interface DataPlaneResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: unknown
}

/**
 * HTTPS calls to the registry's login server (`/oauth2/*`, `/acr/v1/*`). Plain `node:https` with
 * a keep-alive agent, so a test can trust its fake's certificate through `trustedCa` without
 * touching the process-wide TLS settings.
 */
export class DataPlaneClient {
  readonly #origin: string
  readonly #agent: Agent
  readonly #timeoutMs: number

  constructor(loginServer: string, trustedCa: readonly string[] | undefined, timeoutMs: number) {
    this.#origin = `https://${loginServer}`
    this.#agent = new Agent(
      trustedCa === undefined ? { keepAlive: true } : { keepAlive: true, ca: [...trustedCa] },
    )
    this.#timeoutMs = timeoutMs
  }

  /** POST a form; the JSON answer, or a {@link DataPlaneError} for a non-2xx status. */
  async postForm(path: string, form: Record<string, string | undefined>): Promise<unknown> {
    const fields = Object.entries(form).filter((e): e is [string, string] => e[1] !== undefined)
    const body = new URLSearchParams(fields).toString()
    const response = await this.send(
      'POST',
      path,
      {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    )
    if (response.status < 200 || response.status > 299) {
      throw new DataPlaneError(response, `POST ${path.split('?')[0]}`)
    }
    return response.body
  }

  /** Send one request; any status resolves, network failures and timeouts reject. */
  send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<DataPlaneResponse> {
    return new Promise((resolve, reject) => {
      const url = new URL(path, this.#origin)
      const req = request(url, { method, headers, agent: this.#agent }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode ?? 0, headers: flatten(res.headers), body: parse(text) })
        })
      })
      req.setTimeout(this.#timeoutMs, () => req.destroy(timeoutError(method, url)))
      req.on('error', reject)
      req.end(body)
    })
  }

  /** Close idle keep-alive connections. */
  close(): void {
    this.#agent.destroy()
  }
}

// --- Internal ---

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}

function errorOf(body: unknown): { code: string | undefined; message: string | undefined } {
  // ACR answers `{ errors: [{ code, message }] }`; some front ends answer `{ error, error_description }`.
  const b = body as {
    errors?: { code?: unknown; message?: unknown }[]
    error?: unknown
    error_description?: unknown
  } | null
  const first = Array.isArray(b?.errors) ? b.errors[0] : undefined
  const code = first?.code ?? b?.error
  const message =
    first?.message ?? b?.error_description ?? (typeof body === 'string' ? body : undefined)
  return {
    code: typeof code === 'string' ? code : undefined,
    message: typeof message === 'string' ? message.slice(0, 300) : undefined,
  }
}

function timeoutError(method: string, url: URL): Error {
  const err = new Error(`${method} ${url.pathname} timed out`)
  err.name = 'TimeoutError'
  return err
}
