import { createHash, randomBytes } from 'node:crypto'
import type { StoredWrite } from './inputs/index.js'

/** `Basic …` of a username and password. */
export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}

/** `sha256:<hex>` of some bytes. */
export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
const ACCEPT = [
  OCI_MANIFEST,
  OCI_INDEX,
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ')

/** Every status a phase saw, for the count of 5xx answers. */
export const statuses: number[] = []

/** A request with the global fetch, its status remembered; at most `timeoutMs`. */
export async function call(
  url: string,
  init: RequestInit & { timeoutMs?: number } = {},
): Promise<Response> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 60_000) })
  statuses.push(res.status)
  return res
}

/** Mint a credential at the admin endpoint; its `Authorization`. */
export async function mint(
  url: string,
  admin: string,
  repository: string,
  permission: 'pull' | 'push-pull',
): Promise<string> {
  const res = await call(`${url}/_artifact-registry/credentials`, {
    method: 'POST',
    headers: { authorization: admin, 'content-type': 'application/json' },
    body: JSON.stringify({ repository, permission, ttlSeconds: 3600 }),
  })
  if (res.status !== 201) throw new Error(`minting for ${repository}: ${res.status}`)
  const { username, password } = (await res.json()) as { username: string; password: string }
  return basic(username, password)
}

/** A token from the realm for `scope`. */
export async function token(url: string, authorization: string, scope: string): Promise<string> {
  const query = new URLSearchParams({ service: 'artifact-registry', scope })
  const res = await call(`${url}/token?${query}`, { headers: { authorization } })
  if (res.status !== 200) throw new Error(`token for ${scope}: ${res.status}`)
  return ((await res.json()) as { token: string }).token
}

/** Open an upload session; the path of its location. */
export async function openUpload(
  url: string,
  authorization: string,
  repository: string,
): Promise<string> {
  const res = await call(`${url}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: { authorization },
  })
  await res.arrayBuffer()
  const location = res.headers.get('location')
  if (res.status !== 202 || location === null)
    throw new Error(`opening an upload in ${repository}: ${res.status}`)
  return new URL(location, url).pathname
}

/** Push a blob in one request; its status and digest. */
export async function pushBlob(
  url: string,
  authorization: string,
  repository: string,
  bytes: Buffer,
): Promise<{ status: number; digest: string }> {
  const digest = sha256(bytes)
  const res = await call(`${url}/v2/${repository}/blobs/uploads/?digest=${digest}`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/octet-stream' },
    body: bytes,
  })
  await res.arrayBuffer()
  return { status: res.status, digest }
}

/** Put a manifest; its status and digest. */
export async function putManifest(
  url: string,
  authorization: string,
  repository: string,
  reference: string,
  bytes: Buffer,
  mediaType = OCI_MANIFEST,
): Promise<{ status: number; digest: string }> {
  const res = await call(`${url}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { authorization, 'content-type': mediaType },
    body: bytes,
  })
  await res.arrayBuffer()
  return { status: res.status, digest: sha256(bytes) }
}

/** An OCI image manifest over a config and layers, as bytes. */
export function imageManifest(config: Buffer, layers: Buffer[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: layers.map((layer) => ({
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: sha256(layer),
        size: layer.length,
      })),
    }),
  )
}

/**
 * Push a small image (a random layer, a config, a manifest tagged `tag`) and record in `ledger`
 * every part the registry acknowledged; whether all of it was.
 */
export async function pushSmallImage(
  url: string,
  authorization: string,
  repository: string,
  tag: string,
  ledger: { add(write: StoredWrite): void },
): Promise<boolean> {
  const layer = randomBytes(1024)
  const config = Buffer.from(JSON.stringify({ tag }))
  for (const part of [layer, config]) {
    const { status, digest } = await pushBlob(url, authorization, repository, part)
    if (status !== 201) return false
    ledger.add({ kind: 'blob', repository, reference: digest, digest })
  }
  const put = await putManifest(url, authorization, repository, tag, imageManifest(config, [layer]))
  if (put.status !== 201) return false
  ledger.add({ kind: 'manifest', repository, reference: tag, digest: put.digest })
  return true
}

/** The bytes the registry serves for a stored write, hashed; or why it could not be read. */
export async function readBack(url: string, admin: string, write: StoredWrite): Promise<string> {
  const path =
    write.kind === 'blob'
      ? `/v2/${write.repository}/blobs/${write.reference}`
      : `/v2/${write.repository}/manifests/${write.reference}`
  const res = await call(`${url}${path}`, { headers: { authorization: admin, accept: ACCEPT } })
  const body = Buffer.from(await res.arrayBuffer())
  return res.status === 200 ? sha256(body) : `status ${res.status}`
}
