import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { constants, gzipSync } from 'node:zlib'
import { sha256 } from './digest.js'
import { type TarEntry, tar } from './tar.js'

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json'
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip'
const REF_NAME = 'org.opencontainers.image.ref.name'
const LINUX_AMD64 = { architecture: 'amd64', os: 'linux' }

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: { architecture: string; os: string; variant?: string }
  annotations?: Record<string, string>
}

/** The digests of one image manifest, as tests compare them. */
export interface ImageDigests {
  manifestDigest: string
  configDigest: string
  layerDigests: string[]
}

/** What {@link writeMultiLayerImage} and {@link writeMultiArchIndex} put on disk. */
export interface LayoutFixture {
  dir: string
  tag: string
  /** The skopeo/buildah reference: `oci:DIR:TAG`. */
  reference: string
  /** Digest of the manifest (or index) that `index.json` names. */
  digest: string
  mediaType: string
  /** The image manifests: one for a single image, one per platform for an index. */
  images: ImageDigests[]
}

/** An image of `layerCount` (≥ 3 by default) real gzip'd tar layers, one of them ~1 MiB. */
export async function writeMultiLayerImage(
  dir: string,
  options: { tag?: string; layerCount?: number; seed?: string } = {},
): Promise<LayoutFixture> {
  const { tag = 'v1', layerCount = 3, seed = 'multi-layer' } = options
  const layers: TarEntry[][] = [
    [{ path: 'etc/motd', content: `hello from ${seed}\n` }],
    // Incompressible, so the blob is large enough for clients to stream it in several writes.
    [{ path: 'usr/share/app/data.bin', content: pseudoRandom(`${seed}/data`, 1024 * 1024) }],
    [{ path: 'app/run.sh', content: '#!/bin/sh\necho run\n', mode: 0o755 }],
  ]
  for (let i = layers.length; i < layerCount; i++) {
    layers.push([{ path: `layers/${i}.txt`, content: `${seed} layer ${i}\n` }])
  }
  const blobs = new BlobWriter(dir)
  const image = await blobs.image(LINUX_AMD64, layers.slice(0, layerCount))
  await blobs.finish(tag, image.descriptor)
  return fixture(dir, tag, image.descriptor, [image.digests])
}

/**
 * An image of `layers` layers, each one file of `layerBytes` fresh random bytes: a new image
 * every call, so no registry or client cache has seen its blobs. The layers are gzip streams at
 * level 0 (stored): random data does not compress, and a client that finds uncompressed layers
 * compresses them itself, which would dominate a timed copy.
 */
export async function writeRandomImage(
  dir: string,
  options: { layers: number; layerBytes: number; tag?: string },
): Promise<LayoutFixture> {
  const { tag = 'v1' } = options
  const layers = Array.from({ length: options.layers }, (_, i): TarEntry[] => [
    { path: `data/${i}.bin`, content: randomBytes(options.layerBytes) },
  ])
  const blobs = new BlobWriter(dir)
  const image = await blobs.image(LINUX_AMD64, layers, constants.Z_NO_COMPRESSION)
  await blobs.finish(tag, image.descriptor)
  return fixture(dir, tag, image.descriptor, [image.digests])
}

/** An OCI index with one image manifest per platform (linux/amd64 and linux/arm64). */
export async function writeMultiArchIndex(
  dir: string,
  options: { tag?: string; seed?: string } = {},
): Promise<LayoutFixture> {
  const { tag = 'multi', seed = 'multi-arch' } = options
  const blobs = new BlobWriter(dir)
  const images = []
  for (const architecture of ['amd64', 'arm64']) {
    images.push(
      await blobs.image({ architecture, os: 'linux' }, [
        [{ path: 'etc/arch', content: `${seed} ${architecture}\n` }],
        [{ path: 'bin/tool', content: pseudoRandom(`${seed}/${architecture}`, 64 * 1024) }],
      ]),
    )
  }
  const index = json({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: images.map((image) => image.descriptor),
  })
  const descriptor = await blobs.put(OCI_INDEX, index)
  await blobs.finish(tag, descriptor)
  return fixture(
    dir,
    tag,
    descriptor,
    images.map((image) => image.digests),
  )
}

/**
 * Reads back what a layout's `index.json` names under `tag` (for example a layout that
 * `skopeo copy docker://… oci:DIR:TAG` wrote), checking every blob hashes to its name.
 */
export async function readLayout(dir: string, tag: string): Promise<LayoutFixture> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
    manifests: Descriptor[]
  }
  const top = index.manifests.find((d) => d.annotations?.[REF_NAME] === tag)
  if (!top) throw new Error(`${dir}/index.json has no manifest named ${tag}`)
  const manifest = JSON.parse((await readBlob(dir, top.digest)).toString('utf8'))
  const children: Descriptor[] = top.mediaType === OCI_INDEX ? manifest.manifests : [top]
  const images: ImageDigests[] = []
  for (const child of children) {
    const image = JSON.parse((await readBlob(dir, child.digest)).toString('utf8'))
    for (const layer of image.layers) await readBlob(dir, layer.digest)
    await readBlob(dir, image.config.digest)
    images.push({
      manifestDigest: child.digest,
      configDigest: image.config.digest,
      layerDigests: image.layers.map((layer: Descriptor) => layer.digest),
    })
  }
  return fixture(dir, tag, top, images)
}

/** Reads a blob of a layout and fails if its content does not hash to its name. */
export async function readBlob(dir: string, digest: string): Promise<Buffer> {
  const [algorithm, hex] = digest.split(':')
  const data = await readFile(join(dir, 'blobs', algorithm ?? '', hex ?? ''))
  const actual = `${algorithm}:${createHash(algorithm ?? '')
    .update(data)
    .digest('hex')}`
  if (actual !== digest) throw new Error(`blob ${digest} in ${dir} hashes to ${actual}`)
  return data
}

// --- internal ---

function pseudoRandom(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size)
  for (let offset = 0, n = 0; offset < size; offset += 32, n++) {
    createHash('sha256').update(`${seed}/${n}`).digest().copy(out, offset)
  }
  return out
}

/** Canonical bytes: the digest of a manifest is the digest of exactly these bytes. */
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value))

class BlobWriter {
  readonly dir: string

  constructor(dir: string) {
    this.dir = dir
  }

  async put(mediaType: string, data: Buffer): Promise<Descriptor> {
    const digest = sha256(data)
    await mkdir(join(this.dir, 'blobs', 'sha256'), { recursive: true })
    await writeFile(join(this.dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), data)
    return { mediaType, digest, size: data.length }
  }

  /** `level` 9 and gzip's fixed header (mtime 0) make the compressed bytes reproducible. */
  async image(
    platform: { architecture: string; os: string },
    layers: TarEntry[][],
    level: number = constants.Z_BEST_COMPRESSION,
  ): Promise<{ descriptor: Descriptor; digests: ImageDigests }> {
    const layerDescriptors: Descriptor[] = []
    const diffIds: string[] = []
    for (const entries of layers) {
      const archive = tar(entries)
      diffIds.push(sha256(archive))
      layerDescriptors.push(await this.put(OCI_LAYER_GZIP, gzipSync(archive, { level })))
    }
    const config = await this.put(
      OCI_CONFIG,
      json({ ...platform, config: {}, rootfs: { type: 'layers', diff_ids: diffIds } }),
    )
    const manifest = await this.put(
      OCI_MANIFEST,
      json({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: layerDescriptors }),
    )
    return {
      descriptor: { ...manifest, platform },
      digests: {
        manifestDigest: manifest.digest,
        configDigest: config.digest,
        layerDigests: layerDescriptors.map((layer) => layer.digest),
      },
    }
  }

  async finish(tag: string, descriptor: Descriptor): Promise<void> {
    const { platform: _platform, ...top } = descriptor
    const index = { schemaVersion: 2, manifests: [{ ...top, annotations: { [REF_NAME]: tag } }] }
    await writeFile(join(this.dir, 'index.json'), JSON.stringify(index))
    await writeFile(join(this.dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }))
  }
}

function fixture(
  dir: string,
  tag: string,
  descriptor: Descriptor,
  images: ImageDigests[],
): LayoutFixture {
  return {
    dir,
    tag,
    reference: `oci:${dir}:${tag}`,
    digest: descriptor.digest,
    mediaType: descriptor.mediaType,
    images,
  }
}
