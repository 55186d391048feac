import {
  type DigestAlgorithm,
  digestOf,
  EMPTY_JSON,
  randomBlob,
  randomToken,
} from '@artifact-registry/test-kit'
import type { Descriptor as ManifestDescriptor } from '../../src/manifest.js'

/** Media types used by the tests (docs/oci-distribution.md#manifests; the example types are the suite's). */
export const MediaType = {
  imageManifest: 'application/vnd.oci.image.manifest.v1+json',
  imageIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  imageConfig: 'application/vnd.oci.image.config.v1+json',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  layerTarGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  nondistributableTar: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  nondistributableTarGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  empty: 'application/vnd.oci.empty.v1+json',
  octetStream: 'application/octet-stream',
  example1: 'application/vnd.example.oci.conformance.v1',
  example2: 'application/vnd.example.oci.conformance.v2',
} as const

export interface Platform {
  os: string
  architecture: string
}

/** The registry's descriptor, with the fields the tests write that the registry does not read. */
export interface Descriptor extends ManifestDescriptor {
  platform?: Platform
  urls?: string[]
  /** Base64 of the content (image-spec "data" field). */
  data?: string
}

/** Bytes and the descriptor that names them. */
export interface Content {
  bytes: Uint8Array
  descriptor: Descriptor
}

export const LINUX_AMD64: Platform = { os: 'linux', architecture: 'amd64' }
export const LINUX_ARM64: Platform = { os: 'linux', architecture: 'arm64' }

/** The `{}` blob of `application/vnd.oci.empty.v1+json`, the config of most artifacts. */
export const EMPTY_JSON_CONTENT: Content = {
  bytes: EMPTY_JSON,
  descriptor: { mediaType: MediaType.empty, digest: digestOf(EMPTY_JSON), size: EMPTY_JSON.length },
}

export function content(
  bytes: Uint8Array,
  mediaType: string,
  algorithm: DigestAlgorithm = 'sha256',
): Content {
  return {
    bytes,
    descriptor: { mediaType, digest: digestOf(bytes, algorithm), size: bytes.length },
  }
}

/** A config, a layer and the image manifest over them: the image most tests push. */
export interface SampleImage {
  config: Content
  layer: Content
  manifest: Content
}

/**
 * A config unique to this run (`{"author":"<author> <token>"}`), a random `tar+gzip` layer of
 * `layerSize` bytes, and the image manifest over both.
 */
export function sampleImage(author: string, layerSize: number): SampleImage {
  const config = content(
    new TextEncoder().encode(JSON.stringify({ author: `${author} ${randomToken()}` })),
    MediaType.imageConfig,
  )
  const layer = content(randomBlob(layerSize), MediaType.layerTarGzip)
  return { config, layer, manifest: imageManifest(config.descriptor, [layer.descriptor]) }
}

/** Serialise a manifest; its `mediaType` field is the Content-Type it is pushed with. */
function manifestContent(
  manifest: { mediaType: string } & Record<string, unknown>,
  algorithm: DigestAlgorithm = 'sha256',
): Content {
  return content(new TextEncoder().encode(JSON.stringify(manifest)), manifest.mediaType, algorithm)
}

/** The payload `OciClient.putManifest` expects. */
export function payload(manifest: Content): { bytes: Uint8Array; mediaType: string } {
  return { bytes: manifest.bytes, mediaType: manifest.descriptor.mediaType }
}

export interface ManifestFields {
  artifactType?: string | undefined
  annotations?: Record<string, string> | undefined
  subject?: Descriptor | undefined
  /** Add an unknown top-level field, which the registry must keep byte for byte. */
  extraField?: boolean | undefined
}

export function imageManifest(
  config: Descriptor,
  layers: Descriptor[],
  fields: ManifestFields = {},
  algorithm: DigestAlgorithm = 'sha256',
): Content {
  return manifestContent(
    withFields({ schemaVersion: 2, mediaType: MediaType.imageManifest, config, layers }, fields),
    algorithm,
  )
}

export function imageIndex(
  manifests: Descriptor[],
  fields: ManifestFields = {},
  algorithm: DigestAlgorithm = 'sha256',
): Content {
  return manifestContent(
    withFields({ schemaVersion: 2, mediaType: MediaType.imageIndex, manifests }, fields),
    algorithm,
  )
}

/**
 * The descriptor the referrers API must list for a manifest: its own artifactType, else the
 * config media type of an image manifest, and all of its annotations (end-12a).
 */
export function referrerDescriptor(manifest: Content): Descriptor {
  const json = JSON.parse(new TextDecoder().decode(manifest.bytes)) as {
    artifactType?: string
    config?: { mediaType: string }
    annotations?: Record<string, string>
  }
  const artifactType = json.artifactType ?? json.config?.mediaType
  return {
    ...manifest.descriptor,
    ...(artifactType === undefined ? {} : { artifactType }),
    ...(json.annotations === undefined ? {} : { annotations: json.annotations }),
  }
}

function withFields(
  base: { mediaType: string } & Record<string, unknown>,
  fields: ManifestFields,
): { mediaType: string } & Record<string, unknown> {
  const out: { mediaType: string } & Record<string, unknown> = { ...base }
  if (fields.artifactType !== undefined) out.artifactType = fields.artifactType
  if (fields.subject !== undefined) out.subject = fields.subject
  if (fields.annotations !== undefined) out.annotations = fields.annotations
  if (fields.extraField) out[`org.example.${randomToken()}`] = randomToken()
  return out
}
