import { head, type RawRequest, withBody } from '../raw-http.js'

/** What the probe knows of the server when it builds a request. */
export interface ProbeContext {
  readonly port: number
  /** `Authorization` of the admin. */
  readonly admin: string
  /** `Authorization` of a pull credential of {@link base}'s repository. */
  readonly pull: string
  /** `Authorization` of a push-pull credential of {@link base}'s repository. */
  readonly push: string
  /** A repository holding one blob and one manifest (tagged `v1`). */
  readonly base: {
    repository: string
    blob: Buffer
    blobDigest: string
    manifest: Buffer
    manifestDigest: string
  }
  /** An image index of no manifests: a manifest that references nothing, so any repository takes it. */
  readonly standalone: { bytes: Buffer; digest: string; mediaType: string }
  /** The repository of the input being built, its own: what one input stores meets no other. */
  scratch(): string
  /** Open an upload session in `repository` as the admin; the path of its location. */
  openUpload(repository: string): Promise<string>
  /** A token from the realm for `scope`, as the admin. */
  token(scope: string): Promise<string>
}

/** Something a 2xx answer claims to have stored, to be read back at the end. */
export interface StoredWrite {
  kind: 'blob' | 'manifest'
  repository: string
  /** A tag or digest to read it by. */
  reference: string
  digest: string
}

/** One bad input: a request a client should never send. */
export interface BadInput {
  readonly category: string
  readonly label: string
  build(ctx: ProbeContext): RawRequest | Promise<RawRequest>
  /** What a 2xx answer to it has stored (read back at the end of the probe). */
  stored?(ctx: ProbeContext): StoredWrite | undefined
}

/** Options of {@link request}. */
export interface RequestOptions {
  headers?: Record<string, string>
  body?: Buffer | string
  /** `Authorization`; the admin's unless given (`null`: none). */
  auth?: string | null
}

/** A request from the admin (or `auth`) with the given body, `Content-Length` set. */
export function request(
  ctx: ProbeContext,
  method: string,
  target: string,
  options: RequestOptions = {},
): RawRequest {
  const auth = options.auth === undefined ? ctx.admin : options.auth
  const headers = { ...(auth !== null && { Authorization: auth }), ...options.headers }
  if (options.body === undefined) return { head: head(method, target, ctx.port, headers) }
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body
  return withBody(method, target, ctx.port, body, headers)
}

/** Shorthand for a {@link BadInput}. */
export function input(
  category: string,
  label: string,
  build: BadInput['build'],
  stored?: BadInput['stored'],
): BadInput {
  return stored === undefined ? { category, label, build } : { category, label, build, stored }
}

/** Printable form of odd bytes in a label. */
export function show(value: string, max = 40): string {
  const json = JSON.stringify(value)
  // The head and the tail: long values often differ only at their end.
  return json.length > max ? `${json.slice(0, max - 16)}…${json.slice(-6)}(${value.length})` : json
}
