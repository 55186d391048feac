import { createHash } from 'node:crypto'

/** The empty JSON blob `{}` (the OCI "empty descriptor" content). */
export const EMPTY_BLOB: Buffer = Buffer.from('{}')
const EMPTY = {
  mediaType: 'application/vnd.oci.empty.v1+json',
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
}

/** artifactType of the marker that makes a repository exist. */
export const MARKER_ARTIFACT_TYPE = 'application/vnd.artifact-registry.repository.v1+json'

/**
 * The repository marker: a deterministic, untagged OCI artifact. Pushing it makes a repository
 * exist without a tag (user tags are never touched); its fixed digest makes create idempotent.
 */
export const MARKER_MANIFEST: Buffer = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: MARKER_ARTIFACT_TYPE,
    config: EMPTY,
    layers: [EMPTY],
    annotations: { 'dev.artifact-registry.marker': 'repository' },
  }),
)

/** Digest of {@link MARKER_MANIFEST}. */
export const MARKER_DIGEST: string = `sha256:${createHash('sha256').update(MARKER_MANIFEST).digest('hex')}`

/** Digest of {@link EMPTY_BLOB}. */
export const EMPTY_BLOB_DIGEST: string = EMPTY.digest
