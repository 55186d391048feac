import { gzipSync } from 'node:zlib'
import {
  type DigestAlgorithm,
  digestOf,
  randomBlob,
  randomToken,
} from '@artifact-registry/test-kit'
import {
  type Content,
  content,
  type Descriptor,
  imageIndex,
  imageManifest,
  LINUX_AMD64,
  LINUX_ARM64,
  type ManifestFields,
  MediaType,
  type Platform,
  referrerDescriptor,
} from './content.js'

/** One data set of the `main` conformance suite: what to push and what the registry must show. */
export interface DataSet {
  blobs: Content[]
  /** Push order: children before the indexes that list them. */
  manifests: Content[]
  /** tag → manifest digest. */
  tags: Map<string, string>
  /** subject digest → the descriptors the referrers API must list. */
  referrers: Map<string, Descriptor[]>
  /** Push tags as `?tag=` on the digest push (end-7b) instead of PUT by tag. */
  tagParams: boolean
}

export interface ImageOptions extends ManifestFields {
  tag?: string
  platform?: Platform
  /** @default 2 */
  layerCount?: number
  /** Uncompressed `tar` layers instead of `tar+gzip`. */
  uncompressed?: boolean
  /** A non-layer media type makes artifact "layers" (random blobs or `layerBytes`). */
  layerMediaType?: string
  layerBytes?: Uint8Array
  /** A non-config media type makes an artifact config made of `configBytes`. */
  configMediaType?: string
  configBytes?: Uint8Array
  /** Add a random annotation so every referrer is distinct. */
  uniqueAnnotation?: boolean
  /** Inline every descriptor's content in its `data` field. */
  data?: boolean
}

export interface IndexOptions extends ImageOptions {
  /** @default [linux/amd64, linux/arm64] */
  platforms?: Platform[]
}

/** Builds data sets the way the Go suite's `testdata.go` does, in TypeScript. */
export class DataSetBuilder {
  readonly set: DataSet = {
    blobs: [],
    manifests: [],
    tags: new Map(),
    referrers: new Map(),
    tagParams: false,
  }
  readonly algorithm: DigestAlgorithm

  constructor(algorithm: DigestAlgorithm = 'sha256') {
    this.algorithm = algorithm
  }

  /** Add a blob to upload and return its descriptor. */
  blob(bytes: Uint8Array, mediaType: string, data = false): Descriptor {
    const blob = content(bytes, mediaType, this.algorithm)
    // Blobs are keyed by digest (the `{}` config recurs), as the Go suite's map is.
    if (!this.set.blobs.some((b) => b.descriptor.digest === blob.descriptor.digest)) {
      this.set.blobs.push(blob)
    }
    return data ? withData(blob) : blob.descriptor
  }

  /**
   * A layer and its diff id. Registries treat layers as opaque bytes, so the "tar" is a text
   * file; only the gzip wrapping is real, to make compressed and uncompressed digests differ.
   */
  layer(n: number, options: ImageOptions): { layer: Descriptor; diffId: string } {
    const raw = new TextEncoder().encode(`conformance file ${n}, lucky number ${randomToken()}\n`)
    const bytes = options.uncompressed ? raw : new Uint8Array(gzipSync(raw))
    const mediaType = options.uncompressed ? MediaType.layerTar : MediaType.layerTarGzip
    return { layer: this.blob(bytes, mediaType, options.data), diffId: digestOf(raw) }
  }

  config(platform: Platform, diffIds: string[], options: ImageOptions): Descriptor {
    const config: Record<string, unknown> = {
      author: 'OCI Conformance Test',
      ...platform,
      rootfs: { type: 'layers', diff_ids: diffIds },
    }
    if (options.extraField) config[`org.example.${randomToken()}`] = randomToken()
    const bytes = new TextEncoder().encode(JSON.stringify(config))
    return this.blob(bytes, MediaType.imageConfig, options.data)
  }

  /** An image (or artifact) manifest with its config and layers (Go `genManifestFull`). */
  image(options: ImageOptions = {}): Content {
    const layers: Descriptor[] = []
    const diffIds: string[] = []
    for (let n = 0; n < (options.layerCount ?? 2); n++) {
      if (options.layerMediaType && !options.layerMediaType.startsWith(LAYER_PREFIX)) {
        const bytes = options.layerBytes ?? randomBlob(2048)
        const artifactLayer = this.blob(bytes, options.layerMediaType, options.data)
        layers.push(artifactLayer)
        diffIds.push(artifactLayer.digest)
      } else {
        const { layer, diffId } = this.layer(n, options)
        layers.push(layer)
        diffIds.push(diffId)
      }
    }
    const config =
      options.configMediaType && options.configMediaType !== MediaType.imageConfig
        ? this.blob(options.configBytes ?? new Uint8Array(), options.configMediaType, options.data)
        : this.config(options.platform ?? LINUX_AMD64, diffIds, options)
    return this.manifest(
      imageManifest(config, layers, fieldsOf(options), this.algorithm),
      options.tag,
      options.subject,
    )
  }

  /** An index over fresh images, one per platform (Go `genIndexFull`). */
  indexOfImages(options: IndexOptions = {}): Content {
    const platforms = options.platforms ?? [LINUX_AMD64, LINUX_ARM64]
    const children = platforms.map((platform) => this.image({ ...options, platform, tag: '' }))
    return this.index(children, platforms, options)
  }

  /** An index over existing manifests; `platforms[i]` (when given) goes on child i. */
  index(children: Content[], platforms: (Platform | undefined)[], options: ImageOptions): Content {
    const manifests = children.map((child, i) => {
      const platform = platforms[i]
      const descriptor: Descriptor = options.data ? withData(child) : { ...child.descriptor }
      return platform ? { ...descriptor, platform } : descriptor
    })
    return this.manifest(
      imageIndex(manifests, fieldsOf(options), this.algorithm),
      options.tag,
      options.subject,
    )
  }

  /** Register a manifest for pushing, tagging and the referrers it adds to its subject. */
  manifest(manifest: Content, tag?: string, subject?: Descriptor): Content {
    this.set.manifests.push(manifest)
    if (tag) this.set.tags.set(tag, manifest.descriptor.digest)
    if (subject) {
      const list = this.set.referrers.get(subject.digest) ?? []
      list.push(referrerDescriptor(manifest))
      this.set.referrers.set(subject.digest, list)
    }
    return manifest
  }
}

const LAYER_PREFIX = 'application/vnd.oci.image.layer.v1.'

function fieldsOf(options: ImageOptions): ManifestFields {
  const annotations = options.uniqueAnnotation
    ? { ...options.annotations, [`org.example.${randomToken()}`]: randomToken() }
    : options.annotations
  return {
    artifactType: options.artifactType,
    annotations,
    subject: options.subject,
    extraField: options.extraField,
  }
}

function withData(item: Content): Descriptor {
  return { ...item.descriptor, data: Buffer.from(item.bytes).toString('base64') }
}
