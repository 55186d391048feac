import { createHash } from 'node:crypto'

/** The media type of an OCI image manifest. */
export const IMAGE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'

/** `sha256:…` of some content. */
export function sha256(content: Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`
}

/** An OCI image manifest of `config` and no layers: the smallest image a registry stores. */
export function configOnlyManifest(config: Buffer): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: IMAGE_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: [],
    }),
  )
}
