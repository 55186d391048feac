import { createHash } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { constants, gzipSync } from 'node:zlib'

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json'
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip'
const REF_NAME = 'org.opencontainers.image.ref.name'

/** One file in a layer. Directories are implied by the paths. */
export interface TarEntry {
  path: string
  content: Buffer | string
  /** @default 0o644 */
  mode?: number
}

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

export const sha256 = (data: Buffer | string): string =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`

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
  const image = await blobs.image(
    { architecture: 'amd64', os: 'linux' },
    layers.slice(0, layerCount),
  )
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

/** A deterministic ustar archive: fixed mtime, uid/gid 0, parent directories first. */
export function tar(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = []
  const dirs = new Set<string>()
  for (const entry of entries) {
    const parts = entry.path.split('/')
    for (let i = 1; i < parts.length; i++) {
      const dirPath = `${parts.slice(0, i).join('/')}/`
      if (dirs.has(dirPath)) continue
      dirs.add(dirPath)
      blocks.push(tarHeader(dirPath, 0, 0o755, '5'))
    }
    const content = Buffer.from(entry.content)
    blocks.push(tarHeader(entry.path, content.length, entry.mode ?? 0o644, '0'), content)
    blocks.push(Buffer.alloc((512 - (content.length % 512)) % 512))
  }
  blocks.push(Buffer.alloc(1024))
  return Buffer.concat(blocks)
}

// --- internal ---

/** 2020-01-01T00:00:00Z: a fixed timestamp keeps layer digests stable across runs. */
const MTIME = 1_577_836_800

function tarHeader(name: string, size: number, mode: number, type: '0' | '5'): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: path too long for ustar: ${name}`)
  const header = Buffer.alloc(512)
  const octal = (value: number, offset: number, width: number): void => {
    header.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, 'ascii')
  }
  header.write(name, 0, 'utf8')
  octal(mode, 100, 8)
  octal(0, 108, 8)
  octal(0, 116, 8)
  octal(size, 124, 12)
  octal(MTIME, 136, 12)
  header.write(type, 156, 'ascii')
  header.write('ustar\0' + '00', 257, 'ascii')
  header.write('root', 265, 'ascii')
  header.write('root', 297, 'ascii')
  // The checksum is computed with its own field read as eight spaces.
  header.fill(' ', 148, 156)
  let sum = 0
  for (const byte of header) sum += byte
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii')
  return header
}

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

  async image(
    platform: { architecture: string; os: string },
    layers: TarEntry[][],
  ): Promise<{ descriptor: Descriptor; digests: ImageDigests }> {
    const layerDescriptors: Descriptor[] = []
    const diffIds: string[] = []
    for (const entries of layers) {
      const archive = tar(entries)
      diffIds.push(sha256(archive))
      // Level 9 and gzip's fixed header (mtime 0) make the compressed bytes reproducible.
      const gz = gzipSync(archive, { level: constants.Z_BEST_COMPRESSION })
      layerDescriptors.push(await this.put(OCI_LAYER_GZIP, gz))
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
