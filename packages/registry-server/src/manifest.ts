import { parseDigest } from './digest.js'
import { type JsonShapeExcess, JsonShapeScanner, jsonShapeExcess } from './json-shape.js'
import { OciError } from './oci-errors.js'

/** Manifest media types the registry stores (byte for byte). */
export const MANIFEST_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
])

/**
 * Deepest nesting of arrays and objects a manifest may have. Real ones need about five levels
 * (an index's platform features); the limit is checked before parsing, which a deeply nested
 * body would make slow and costly.
 */
export const MAX_MANIFEST_DEPTH = 64

/**
 * Most values (array elements and object members, all levels together) a manifest may hold. A
 * large real index, a thousand platform manifests of a dozen values each, holds about 12,000; a
 * 4 MiB body of small numbers holds two million, and parsing that many blocks the event loop
 * long enough to stall every other client when a few dozen such bodies arrive at once.
 */
export const MAX_MANIFEST_VALUES = 100_000

const MANIFEST_SHAPE = { maxDepth: MAX_MANIFEST_DEPTH, maxValues: MAX_MANIFEST_VALUES }

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
])

// Layers that may legally be absent from the registry (their content lives elsewhere).
const NON_DISTRIBUTABLE =
  /^application\/vnd\.(oci\.image\.layer\.nondistributable\.|docker\.image\.rootfs\.foreign\.)/

/** A descriptor inside a manifest. */
export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  artifactType?: string
  annotations?: Record<string, string>
}

/** What the registry needs to know of a manifest. */
export interface ParsedManifest {
  mediaType: string
  isIndex: boolean
  subject?: string
  artifactType?: string
  annotations?: Record<string, string>
  /** Blobs that must exist in the repository (config and distributable layers). */
  requiredBlobs: string[]
  /** An index's children, which must exist in the repository as manifests or blobs. */
  childManifests: string[]
  /**
   * Non-distributable layers: they need not be in the registry, but one that was pushed anyway
   * (`crane copy --allow-nondistributable-artifacts` keeps the media type) is referenced like
   * any other layer, so garbage collection must keep it.
   */
  nonDistributableBlobs: string[]
}

/**
 * A check of a manifest body's shape as it arrives, for `readBody`'s `inspect`: it throws what
 * {@link parseManifest} would, as soon as the body nests too deep or holds too many values, so
 * such a body is refused before it is read whole, kept and hashed.
 */
/** The annotations of a stored manifest (one this registry accepted), if it has any. */
export function annotationsOf(bytes: Buffer): Record<string, string> | undefined {
  const body = JSON.parse(bytes.toString('utf8')) as { annotations?: unknown }
  return isStringRecord(body.annotations) ? body.annotations : undefined
}

export function manifestShapeGuard(): (chunk: Uint8Array) => void {
  const scanner = new JsonShapeScanner(MANIFEST_SHAPE)
  return (chunk) => {
    const excess = scanner.excess(chunk)
    if (excess !== undefined) throw outOfShape(excess)
  }
}

/**
 * Parse and validate a manifest body. `contentType` is the request's Content-Type (parameters
 * removed); when the body names a mediaType it must agree.
 */
export function parseManifest(bytes: Buffer, contentType: string | undefined): ParsedManifest {
  const excess = jsonShapeExcess(bytes, MANIFEST_SHAPE)
  if (excess !== undefined) throw outOfShape(excess)
  let body: Record<string, unknown>
  try {
    body = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>
  } catch {
    throw invalid('manifest is not valid JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('manifest must be a JSON object')
  const declared = typeof body.mediaType === 'string' ? body.mediaType : undefined
  const mediaType = contentType || declared
  if (mediaType === undefined || !MANIFEST_MEDIA_TYPES.has(mediaType)) {
    throw invalid(`unsupported manifest media type ${mediaType ?? '(none)'}`)
  }
  if (declared !== undefined && declared !== mediaType) {
    throw invalid(`mediaType ${declared} does not match Content-Type ${mediaType}`)
  }
  if (body.schemaVersion !== 2) throw invalid('schemaVersion must be 2')
  const isIndex = INDEX_TYPES.has(mediaType)
  const config = isIndex ? undefined : descriptor(body.config, 'config')
  const layers = isIndex ? [] : descriptors(body.layers ?? [], 'layers')
  const children = isIndex ? descriptors(body.manifests, 'manifests') : []
  const subject =
    body.subject === undefined ? undefined : descriptor(body.subject, 'subject').digest
  // The referrers API (end-12a) types an image manifest whose artifactType is missing or empty
  // by its config's media type; an index without one has none.
  const artifactType =
    typeof body.artifactType === 'string' && body.artifactType !== ''
      ? body.artifactType
      : config?.mediaType
  return {
    mediaType,
    isIndex,
    ...(subject && { subject }),
    ...(artifactType && { artifactType }),
    ...(isStringRecord(body.annotations) && { annotations: body.annotations }),
    requiredBlobs: [
      ...(config ? [config.digest] : []),
      ...layers.filter((l) => !NON_DISTRIBUTABLE.test(l.mediaType)).map((l) => l.digest),
    ],
    childManifests: children.map((c) => c.digest),
    nonDistributableBlobs: layers
      .filter((l) => NON_DISTRIBUTABLE.test(l.mediaType))
      .map((l) => l.digest),
  }
}

// --- Internal ---

function outOfShape(excess: JsonShapeExcess): OciError {
  return invalid(
    excess === 'depth'
      ? `manifest nests arrays and objects deeper than ${MAX_MANIFEST_DEPTH} levels`
      : `manifest holds more than ${MAX_MANIFEST_VALUES} values in its arrays and objects`,
  )
}

function invalid(detail: string): OciError {
  return new OciError('MANIFEST_INVALID', { detail })
}

function descriptors(value: unknown, field: string): Descriptor[] {
  if (!Array.isArray(value)) throw invalid(`${field} must be an array`)
  return value.map((d, i) => descriptor(d, `${field}[${i}]`))
}

function descriptor(value: unknown, field: string): Descriptor {
  const d = value as Partial<Descriptor> | null
  if (typeof d !== 'object' || d === null) throw invalid(`${field} must be a descriptor`)
  if (typeof d.mediaType !== 'string') throw invalid(`${field}.mediaType must be a string`)
  if (typeof d.digest !== 'string' || parseDigest(d.digest) === undefined) {
    throw invalid(`${field}.digest is not a valid digest`)
  }
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw invalid(`${field}.size must be a non-negative integer`)
  }
  return d as Descriptor
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  )
}
