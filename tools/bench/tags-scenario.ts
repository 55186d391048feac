import { OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST, sha256 } from '@artifact-registry/test-kit'
import { type BlobData, type Endpoint, pushManifest, pushMonolithic } from './client.js'
import { type Figure, progress, seconds } from './measure.js'
import { measureFigure, type Pass } from './settings.js'

/**
 * Tag pushes per second into a repository that already holds `tagsHeld` tags: what a CI system
 * tagging every build does to a repository over months. Each push is a new manifest (one
 * annotation differs) under a new tag, one at a time, so the figure is the latency of a tag push
 * at that size, which grows with the repository when a server rewrites its metadata whole.
 */
export async function tagsFigure(pass: Pass): Promise<Figure> {
  const { servers, settings } = pass
  const image = new Map<string, ImageBlobs>()
  for (const server of servers) {
    const blobs = await pushImageBlobs(server)
    image.set(server.name, blobs)
    progress(`tags · ${server.name} · tagging ${settings.tagsHeld} images first`)
    for (let n = 0; n < settings.tagsHeld; n++) await pushTag(server, blobs, `held-${n}`)
  }
  const label = `tag push, repository holding ${settings.tagsHeld}+ tags`
  return measureFigure(
    pass,
    { label, scenario: `${label}, ${settings.tagPushes} pushes`, unit: 'req/s', target: 1 },
    async (server, round) => {
      const blobs = image.get(server.name) as ImageBlobs
      const elapsed = await seconds(async () => {
        for (let n = 0; n < settings.tagPushes; n++) {
          await pushTag(server, blobs, `round${round}-${n}`)
        }
      })
      return settings.tagPushes / elapsed
    },
  )
}

// --- internal ---

const REPO = 'bench/tags'

interface ImageBlobs {
  config: BlobData
  layer: BlobData
}

async function pushImageBlobs(ep: Endpoint): Promise<ImageBlobs> {
  const blob = (bytes: Buffer): BlobData => ({ bytes, digest: sha256(bytes) })
  const config = blob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux' })))
  const layer = blob(Buffer.from('the one layer every tagged image shares'))
  for (const b of [config, layer]) await pushMonolithic(ep, REPO, b)
  return { config, layer }
}

/** A manifest of its own (its annotation names the tag) under `tag`. */
async function pushTag(ep: Endpoint, { config, layer }: ImageBlobs, tag: string): Promise<void> {
  const descriptor = (mediaType: string, blob: BlobData) => ({
    mediaType,
    digest: blob.digest,
    size: blob.bytes.byteLength,
  })
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptor(OCI_CONFIG, config),
    layers: [descriptor(OCI_LAYER_GZIP, layer)],
    annotations: { 'org.opencontainers.image.ref.name': tag },
  }
  await pushManifest(ep, REPO, tag, Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST)
}
