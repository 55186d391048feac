import { sha256 } from '../../digest.js'
import { OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST } from '../../oci-layout.js'
import type { ExpectedDifference, Observation } from '../observation.js'
import type { Body, Call, Compare, Probe } from '../probe.js'

/**
 * One request sequence, run the same way against our registry and the reference, each fresh and
 * anonymous: the answers are compared step by step.
 */
export interface ProtocolScenario {
  name: string
  run(probe: Probe): Promise<void>
  /** Where the two answers are expected to differ, and why. */
  differences?: readonly ExpectedDifference[]
}

const OCTET = 'application/octet-stream'

// --- requests ---

export const get = (target: string, headers?: Record<string, string>): Call => ({
  method: 'GET',
  target,
  headers,
})
export const head = (target: string, headers?: Record<string, string>): Call => ({
  method: 'HEAD',
  target,
  headers,
})
export const del = (target: string): Call => ({ method: 'DELETE', target })
export const post = (target: string, body?: Body): Call => ({
  method: 'POST',
  target,
  headers: body === undefined ? undefined : { 'content-type': OCTET },
  body,
})
/** PATCH of a chunk (with `range`, as `Content-Range: start-end`) or of a stream. */
export const patch = (target: string, body: Body, range?: string): Call => ({
  method: 'PATCH',
  target,
  headers: { 'content-type': OCTET, ...(range ? { 'content-range': range } : {}) },
  body,
})
/** PUT completing an upload; `range` when it carries the last chunk. */
export const put = (target: string, body?: Body, range?: string): Call => ({
  method: 'PUT',
  target,
  headers: { 'content-type': OCTET, ...(range ? { 'content-range': range } : {}) },
  body,
})
export const putManifest = (
  target: string,
  mediaType: string,
  body: Buffer | string,
  headers: Record<string, string> = {},
): Call => ({ method: 'PUT', target, headers: { 'content-type': mediaType, ...headers }, body })

/** The Location of an upload with query parameters added (distribution's carries `_state`). */
export function withQuery(location: string, params: Record<string, string>): string {
  if (!location) throw new Error('the previous response had no Location to follow')
  const url = new URL(location)
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
  return url.href
}

// --- what to compare ---

export const UPLOAD: Compare = { headers: ['location', 'range', 'docker-upload-uuid'] }
/** A fresh upload session or a PATCH reply: also `Content-Length: 0`. */
export const SESSION: Compare = { headers: [...(UPLOAD.headers ?? []), 'content-length'] }
export const CREATED: Compare = { headers: ['location', 'docker-content-digest', 'content-length'] }
const BLOB_HEADERS = ['content-length', 'content-type', 'docker-content-digest', 'accept-ranges']
export const BLOB: Compare = { headers: [...BLOB_HEADERS, 'etag'] }
export const BLOB_BODY: Compare = { ...BLOB, body: 'sha256' }
export const RANGE: Compare = { headers: [...BLOB_HEADERS, 'content-range'], body: 'text' }
export const MANIFEST: Compare = {
  headers: ['content-length', 'content-type', 'docker-content-digest', 'etag'],
}
export const MANIFEST_BODY: Compare = { ...MANIFEST, body: 'sha256' }
export const LISTING: Compare = { headers: ['content-type', 'link'], body: 'json' }
export const TAGS: Compare = { headers: ['content-type', 'link'], body: 'tags' }

/** The upload's offset (`Range`) and the status, not the error codes. */
export const OFFSET: Compare = { headers: ['range'], codes: false }

// --- where the reference answers otherwise ---

/** distribution's answer where its router matches no route: a text 404, whatever the spec says. */
export const NO_ROUTE: Partial<Observation> = { status: 404, codes: ['<not json>'] }

/** The same expected difference, with its reason, at each of `steps`. */
export function differenceAt(
  steps: readonly string[],
  difference: Omit<ExpectedDifference, 'step'>,
): ExpectedDifference[] {
  return steps.map((step) => ({ step, ...difference }))
}

// --- content ---

/** POST + PUT of a whole blob; both steps are compared on status only. */
export async function pushBlob(probe: Probe, repo: string, data: Buffer | string): Promise<string> {
  const digest = sha256(data)
  const session = await probe.step(`setup: POST ${repo}`, post(`/v2/${repo}/blobs/uploads/`))
  await probe.step(
    `setup: PUT ${digest.slice(7, 19)}`,
    put(withQuery(session.location, { digest }), data),
  )
  return digest
}

/** An image whose config and layer bytes depend only on `seed`, so both servers get the same. */
export function image(seed: string) {
  const rootfs = { type: 'layers', diff_ids: [] }
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { seed } }, rootfs }),
  )
  const layer = Buffer.from(`layer bytes for ${seed}`)
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
      layers: [{ mediaType: OCI_LAYER_GZIP, digest: sha256(layer), size: layer.length }],
      annotations: { seed },
    }),
  )
  return { config, layer, manifest, digest: sha256(manifest) }
}

/** Pushes the blobs of {@link image} and the manifest under each tag. */
export async function pushImage(
  probe: Probe,
  repo: string,
  tags: readonly string[],
  seed = repo,
): Promise<ReturnType<typeof image>> {
  const built = image(seed)
  await pushBlob(probe, repo, built.config)
  await pushBlob(probe, repo, built.layer)
  for (const tag of tags) {
    const target = `/v2/${repo}/manifests/${tag}`
    await probe.step(
      `setup: PUT manifest ${tag}`,
      putManifest(target, OCI_MANIFEST, built.manifest),
    )
  }
  return built
}
