/**
 * A thin OCI Distribution client on Node's global fetch, for the conformance tests. It never
 * follows the protocol for the caller (no retries, no automatic PUT after a 202): every request
 * is one call, so each test controls and asserts each step.
 */

const OCTET_STREAM = 'application/octet-stream'

type Query = Record<string, string | readonly string[] | undefined>

export interface RequestOptions {
  headers?: Record<string, string>
  body?: Uint8Array | string | ReadableStream<Uint8Array>
  query?: Query
}

/** A fully read response. `what` names the request and the outcome, for assertion messages. */
export interface OciResponse {
  status: number
  headers: Headers
  body: Uint8Array
  what: string
}

/** Content to push as a manifest: its exact bytes and its media type. */
export interface ManifestPayload {
  bytes: Uint8Array
  mediaType: string
}

export class OciClient {
  readonly baseUrl: string

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl
  }

  /** Resolve a path or a `Location` (relative or absolute) against the registry, plus a query. */
  url(pathOrLocation: string, query: Query = {}): URL {
    const url = new URL(pathOrLocation, this.baseUrl)
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue
      for (const v of typeof value === 'string' ? [value] : value) url.searchParams.append(key, v)
    }
    return url
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<OciResponse> {
    const url = this.url(path, options.query)
    const init: RequestInit & { duplex?: 'half' } = {
      method,
      headers: options.headers ?? {},
      redirect: 'manual',
    }
    if (options.body !== undefined) init.body = options.body
    // A stream body is sent with chunked transfer encoding, which fetch only allows half-duplex.
    if (options.body instanceof ReadableStream) init.duplex = 'half'
    const response = await fetch(url, init)
    const body = new Uint8Array(await response.arrayBuffer())
    const shown = new TextDecoder().decode(body.subarray(0, 300))
    const what = `${method} ${url.pathname}${url.search} → ${response.status} ${shown}`
    return { status: response.status, headers: response.headers, body, what }
  }

  // ---- blobs -------------------------------------------------------------------------------

  /** end-4a: open an upload session (`Content-Length: 0`, as chunked uploads require). */
  startUpload(repo: string, query: Query = {}): Promise<OciResponse> {
    return this.request('POST', `/v2/${repo}/blobs/uploads/`, { body: new Uint8Array(), query })
  }

  /** end-4b: single-request monolithic push. */
  postBlob(repo: string, bytes: Uint8Array, digest: string): Promise<OciResponse> {
    return this.request('POST', `/v2/${repo}/blobs/uploads/`, {
      headers: { 'Content-Type': OCTET_STREAM },
      body: bytes,
      query: { digest },
    })
  }

  /** end-11: cross-repository mount; `from` omitted is an "anonymous" mount. */
  mountBlob(repo: string, digest: string, from?: string): Promise<OciResponse> {
    return this.request('POST', `/v2/${repo}/blobs/uploads/`, {
      body: new Uint8Array(),
      query: { mount: digest, from },
    })
  }

  /** end-5: one chunk with `Content-Range: <start>-<end>` (inclusive, no `bytes ` prefix). */
  patchChunk(location: string, bytes: Uint8Array, start: number): Promise<OciResponse> {
    return this.request('PATCH', location, {
      headers: { 'Content-Type': OCTET_STREAM, 'Content-Range': contentRange(start, bytes) },
      body: bytes,
    })
  }

  /** end-5 streamed: no Content-Range and no Content-Length (chunked transfer encoding). */
  patchStream(location: string, bytes: Uint8Array): Promise<OciResponse> {
    const half = Math.floor(bytes.length / 2)
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, half))
        controller.enqueue(bytes.subarray(half))
        controller.close()
      },
    })
    return this.request('PATCH', location, {
      headers: { 'Content-Type': OCTET_STREAM },
      body: stream,
    })
  }

  /**
   * end-6: close the session. `chunk` is the final chunk sent with its Content-Range; `body` is
   * the whole blob of a POST+PUT monolithic push; neither → an empty body.
   */
  putUpload(
    location: string,
    digest: string,
    content: { chunk?: Uint8Array; start?: number; body?: Uint8Array } = {},
  ): Promise<OciResponse> {
    const headers: Record<string, string> = { 'Content-Type': OCTET_STREAM }
    if (content.chunk) headers['Content-Range'] = contentRange(content.start ?? 0, content.chunk)
    return this.request('PUT', location, {
      headers,
      body: content.chunk ?? content.body ?? new Uint8Array(),
      query: { digest },
    })
  }

  /** end-13: upload status. */
  uploadStatus(location: string): Promise<OciResponse> {
    return this.request('GET', location)
  }

  /** end-14: cancel the upload. */
  cancelUpload(location: string): Promise<OciResponse> {
    return this.request('DELETE', location)
  }

  /** Setup helper: POST then PUT, throwing unless the registry answers 201. */
  async pushBlob(repo: string, bytes: Uint8Array, digest: string): Promise<void> {
    const post = await this.startUpload(repo)
    const location = post.headers.get('Location')
    if (post.status !== 202 || !location) throw new Error(`setup push failed: ${post.what}`)
    const put = await this.putUpload(location, digest, { body: bytes })
    if (put.status !== 201) throw new Error(`setup push failed: ${put.what}`)
  }

  headBlob(repo: string, digest: string): Promise<OciResponse> {
    return this.request('HEAD', `/v2/${repo}/blobs/${digest}`)
  }

  getBlob(
    repo: string,
    digest: string,
    headers: Record<string, string> = {},
  ): Promise<OciResponse> {
    return this.request('GET', `/v2/${repo}/blobs/${digest}`, { headers })
  }

  deleteBlob(repo: string, digest: string): Promise<OciResponse> {
    return this.request('DELETE', `/v2/${repo}/blobs/${digest}`)
  }

  // ---- manifests ---------------------------------------------------------------------------

  /** end-7a, or end-7b when `tags` are given (push by digest with `?tag=`). */
  putManifest(
    repo: string,
    reference: string,
    payload: ManifestPayload,
    options: { tags?: readonly string[]; headers?: Record<string, string> } = {},
  ): Promise<OciResponse> {
    return this.request('PUT', `/v2/${repo}/manifests/${reference}`, {
      headers: { 'Content-Type': payload.mediaType, ...options.headers },
      body: payload.bytes,
      query: { tag: options.tags },
    })
  }

  /** Setup helper: push a manifest, throwing unless the registry answers 201. */
  async pushManifest(repo: string, reference: string, payload: ManifestPayload): Promise<void> {
    const put = await this.putManifest(repo, reference, payload)
    if (put.status !== 201) throw new Error(`setup manifest push failed: ${put.what}`)
  }

  getManifest(repo: string, reference: string): Promise<OciResponse> {
    return this.request('GET', `/v2/${repo}/manifests/${reference}`, { headers: ACCEPT })
  }

  /** GET a manifest at a `Location` returned by a push, with the same Accept as `getManifest`. */
  getManifestAt(location: string): Promise<OciResponse> {
    return this.request('GET', location, { headers: ACCEPT })
  }

  headManifest(repo: string, reference: string): Promise<OciResponse> {
    return this.request('HEAD', `/v2/${repo}/manifests/${reference}`, { headers: ACCEPT })
  }

  deleteManifest(repo: string, reference: string): Promise<OciResponse> {
    return this.request('DELETE', `/v2/${repo}/manifests/${reference}`)
  }

  // ---- discovery ---------------------------------------------------------------------------

  listTags(repo: string, query: { n?: string; last?: string } = {}): Promise<OciResponse> {
    return this.request('GET', `/v2/${repo}/tags/list`, { query })
  }

  referrers(repo: string, digest: string, artifactType?: string): Promise<OciResponse> {
    return this.request('GET', `/v2/${repo}/referrers/${digest}`, { query: { artifactType } })
  }
}

/** The Accept header real clients send; content negotiation must not change what is returned. */
const ACCEPT = {
  Accept: [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
  ].join(', '),
}

function contentRange(start: number, bytes: Uint8Array): string {
  return `${start}-${start + bytes.length - 1}`
}
