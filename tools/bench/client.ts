import { OCI_INDEX, OCI_MANIFEST } from '@artifact-registry/test-kit'

/** Where requests go and how they authenticate: the same client code drives both servers. */
export interface Endpoint {
  url: string
  authorization: string | undefined
}

/** Bytes and their digest, hashed before any clock starts. */
export interface BlobData {
  bytes: Uint8Array
  digest: string
}

/** distribution 2.8 answers 404 to a client that does not say it accepts OCI manifests. */
const ACCEPT_MANIFESTS = [
  OCI_MANIFEST,
  OCI_INDEX,
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ')

/** Request bodies are streamed in slices of this size, views into the caller's buffer. */
const SLICE = 1024 * 1024

/** POST, then one PUT carrying the whole blob (the "monolithic" push of the spec). */
export function pushMonolithic(ep: Endpoint, repo: string, blob: BlobData): Promise<void> {
  return pushParts(ep, repo, [blob.bytes], blob.digest)
}

/**
 * A monolithic push of a blob made of `parts` one after the other (a blob larger than any one
 * buffer the benchmark holds) whose digest is `digest`.
 */
export async function pushParts(
  ep: Endpoint,
  repo: string,
  parts: readonly Uint8Array[],
  digest: string,
): Promise<void> {
  const location = await startUpload(ep, repo)
  const res = await send(ep, withDigest(location, digest), 'PUT', parts)
  await expect(res, 201, 'PUT upload')
}

/** POST, PATCHes of `chunkSize` with `Content-Range`, then a PUT without body. */
export async function pushChunked(
  ep: Endpoint,
  repo: string,
  blob: BlobData,
  chunkSize: number,
): Promise<void> {
  let location = await startUpload(ep, repo)
  for (let start = 0; start < blob.bytes.byteLength; start += chunkSize) {
    const chunk = blob.bytes.subarray(start, start + chunkSize)
    const res = await send(ep, location, 'PATCH', [chunk], {
      'Content-Range': `${start}-${start + chunk.byteLength - 1}`,
      'Content-Type': 'application/octet-stream',
    })
    await expect(res, 202, 'PATCH upload')
    // Clients must follow the newest Location: distribution re-signs its state in each one.
    location = locationOf(res, ep)
  }
  await expect(await send(ep, withDigest(location, blob.digest), 'PUT'), 201, 'PUT upload')
}

/**
 * GET a blob and read the body to the end without hashing it, so that the client's CPU is
 * not what limits the figure. Returns how many bytes arrived.
 *
 * Each chunk's memory is given back as soon as it is counted. Left to the garbage collector,
 * 512 MiB of fresh 64 KiB buffers made the client the bottleneck (a core at 100%), and its GC
 * pauses swung the figure between runs by ±30% whichever server was measured.
 */
export async function pullBlob(ep: Endpoint, repo: string, digest: string): Promise<number> {
  const res = await send(ep, `/v2/${repo}/blobs/${digest}`, 'GET')
  if (res.status !== 200 || res.body === null) await expect(res, 200, 'GET blob')
  let received = 0
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return received
    received += value.byteLength
    discard(value)
  }
}

/** HEAD a manifest; throws unless 200. */
export async function headManifest(ep: Endpoint, repo: string, reference: string): Promise<void> {
  const res = await send(ep, `/v2/${repo}/manifests/${reference}`, 'HEAD', undefined, {
    Accept: ACCEPT_MANIFESTS,
  })
  if (res.status !== 200) await expect(res, 200, 'HEAD manifest')
}

/** PUT a manifest under `tag`. */
export async function pushManifest(
  ep: Endpoint,
  repo: string,
  tag: string,
  manifest: Uint8Array,
  mediaType: string,
): Promise<void> {
  const res = await send(ep, `/v2/${repo}/manifests/${tag}`, 'PUT', [manifest], {
    'Content-Type': mediaType,
  })
  await expect(res, 201, 'PUT manifest')
}

// --- internal ---

/** POST a new upload; returns its absolute Location. */
export async function startUpload(ep: Endpoint, repo: string): Promise<string> {
  const res = await send(ep, `/v2/${repo}/blobs/uploads/`, 'POST')
  await expect(res, 202, 'POST upload')
  return locationOf(res, ep)
}

/**
 * One request. A body (the `parts` one after the other) is sent as a stream of views into them
 * with an explicit Content-Length: fetch copies a Uint8Array body first, and touching 512 MiB of
 * fresh memory costs seconds on this VM, which would swamp the difference between the servers.
 */
function send(
  ep: Endpoint,
  pathOrUrl: string,
  method: string,
  parts?: readonly Uint8Array[],
  headers: Record<string, string> = {},
): Promise<Response> {
  const all: Record<string, string> = { ...headers }
  if (ep.authorization !== undefined) all.Authorization = ep.authorization
  if (parts === undefined) return fetch(new URL(pathOrUrl, ep.url), { method, headers: all })
  all['Content-Length'] = String(parts.reduce((sum, part) => sum + part.byteLength, 0))
  return fetch(new URL(pathOrUrl, ep.url), {
    method,
    headers: all,
    body: slices(parts),
    duplex: 'half',
  })
}

function slices(parts: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let part = 0
  let offset = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const bytes = parts[part]
      if (bytes === undefined) return controller.close()
      const end = Math.min(offset + SLICE, bytes.byteLength)
      controller.enqueue(bytes.subarray(offset, end))
      offset = end
      if (offset >= bytes.byteLength) {
        part += 1
        offset = 0
      }
    },
  })
}

/** Frees a chunk's memory now, when the chunk is the only view of its buffer (see pullBlob). */
function discard(chunk: Uint8Array): void {
  const { buffer } = chunk
  const whole = chunk.byteOffset === 0 && chunk.byteLength === buffer.byteLength
  if (whole && buffer instanceof ArrayBuffer && !buffer.detached) buffer.transfer(0)
}

/** The absolute URL a response's Location points to. */
export function locationOf(res: Response, ep: Endpoint): string {
  const location = res.headers.get('location')
  if (location === null) throw new Error(`${res.url}: ${res.status} without Location`)
  return new URL(location, ep.url).href
}

/** Appends `digest=` the way skopeo does, keeping any query the server put in Location. */
export function withDigest(location: string, digest: string): string {
  return `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`
}

/** Reads the body (so the connection is reused) and throws unless `status`. */
async function expect(res: Response, status: number, what: string): Promise<void> {
  const text = await res.text()
  if (res.status !== status) {
    throw new Error(`${what} ${res.url}: expected ${status}, got ${res.status} ${text}`)
  }
}
