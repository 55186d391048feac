import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { constants, gzipSync } from 'node:zlib'
import { OCI_MANIFEST, sha256 } from './client.ts'

/** The shape of the image skopeo copies. */
export interface LayoutOptions {
  layers: number
  /** Uncompressed bytes of random data per layer. */
  layerBytes: number
}

interface Descriptor {
  mediaType: string
  digest: string
  size: number
}

/**
 * Writes an OCI image layout with one tagged image (`v1`) of random layers into `dir` and returns
 * skopeo's reference to it. Layers are real gzip streams: skopeo compresses uncompressed layers
 * on the way to a registry, and that client-side CPU would dominate the copy time. The level is 0
 * (stored) because random data does not compress anyway.
 */
export async function writeLayout(dir: string, options: LayoutOptions): Promise<string> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true })
  const layers: Descriptor[] = []
  const diffIds: string[] = []
  for (let i = 0; i < options.layers; i++) {
    const content = randomBytes(options.layerBytes)
    diffIds.push(sha256(content))
    const gzipped = gzipSync(content, { level: constants.Z_NO_COMPRESSION })
    layers.push(await writeBlob(dir, gzipped, 'application/vnd.oci.image.layer.v1.tar+gzip'))
  }
  const config = {
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: diffIds },
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: await writeJson(dir, config, 'application/vnd.oci.image.config.v1+json'),
    layers,
  }
  const manifestDescriptor = await writeJson(dir, manifest, OCI_MANIFEST)
  const index = {
    schemaVersion: 2,
    manifests: [
      { ...manifestDescriptor, annotations: { 'org.opencontainers.image.ref.name': 'v1' } },
    ],
  }
  await writeFile(join(dir, 'index.json'), JSON.stringify(index))
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }))
  return `oci:${dir}:v1`
}

// --- internal ---

function writeJson(dir: string, value: unknown, mediaType: string): Promise<Descriptor> {
  return writeBlob(dir, Buffer.from(JSON.stringify(value)), mediaType)
}

async function writeBlob(dir: string, bytes: Uint8Array, mediaType: string): Promise<Descriptor> {
  const digest = sha256(bytes)
  await writeFile(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes)
  return { mediaType, digest, size: bytes.byteLength }
}
