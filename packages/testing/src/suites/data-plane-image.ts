import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { tarWithOneFile } from './data-plane-tar.js'

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json'
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip'
const REF_NAME = 'org.opencontainers.image.ref.name'

/** An image written as an OCI image layout, ready for `skopeo copy`. */
export interface TestImage {
  /** The skopeo source reference, `oci:DIR:TAG`. */
  readonly layout: string
  readonly tag: string
  /** The digest of the image manifest: what the registry must store and give back. */
  readonly manifestDigest: string
}

/**
 * Write a one-layer image into `dir` as an OCI image layout. The layer holds fresh random bytes,
 * so every image is new to the registry: nothing a test sees can come from an earlier push.
 */
export async function writeUniqueImage(dir: string, tag = 'data-plane'): Promise<TestImage> {
  const layerTar = tarWithOneFile('data-plane.bin', randomBytes(1024))
  const layer = gzipSync(layerTar)
  const config = json({
    architecture: 'amd64',
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: [digestOf(layerTar)] },
  })
  const manifest = json({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptor(OCI_CONFIG, config),
    layers: [descriptor(OCI_LAYER, layer)],
  })
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true })
  for (const blob of [layer, config, manifest]) {
    await writeFile(join(dir, 'blobs', 'sha256', digestOf(blob).slice('sha256:'.length)), blob)
  }
  const manifestDescriptor = {
    ...descriptor(OCI_MANIFEST, manifest),
    annotations: { [REF_NAME]: tag },
  }
  const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [manifestDescriptor] }
  await writeFile(join(dir, 'index.json'), json(index))
  await writeFile(join(dir, 'oci-layout'), json({ imageLayoutVersion: '1.0.0' }))
  return { layout: `oci:${dir}:${tag}`, tag, manifestDigest: digestOf(manifest) }
}

/** The digest of the manifest tagged `tag` in the OCI image layout at `dir` (a pulled image). */
export async function layoutManifestDigest(dir: string, tag: string): Promise<string> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
    manifests?: { digest: string; annotations?: Record<string, string> }[]
  }
  const entry = index.manifests?.find((m) => m.annotations?.[REF_NAME] === tag)
  if (entry === undefined) throw new Error(`the layout at ${dir} has no image tagged ${tag}`)
  return entry.digest
}

function descriptor(
  mediaType: string,
  blob: Buffer,
): { mediaType: string; digest: string; size: number } {
  return { mediaType, digest: digestOf(blob), size: blob.length }
}

function digestOf(blob: Buffer): string {
  return `sha256:${createHash('sha256').update(blob).digest('hex')}`
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value))
}
