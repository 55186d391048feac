import { createHash } from 'node:crypto'
import { expect } from 'vitest'

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'

const sha256 = (bytes: string | Buffer): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`

/**
 * Push a one-config image straight to the registry at `url`, with `authorization` (the admin's),
 * under `reference`: a tag, or `undefined` to push it by its digest alone (an untagged manifest).
 * `config` makes each image distinct. Returns the manifest's digest.
 */
export async function pushOneConfigImage(
  url: string,
  authorization: string,
  repository: string,
  reference: string | undefined,
  config: Record<string, unknown>,
): Promise<string> {
  const configBytes = Buffer.from(JSON.stringify(config))
  const configDigest = sha256(configBytes)
  const upload = await fetch(`${url}/v2/${repository}/blobs/uploads/?digest=${configDigest}`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/octet-stream' },
    body: configBytes,
  })
  expect(upload.status).toBe(201)
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: configDigest,
      size: configBytes.length,
    },
    layers: [],
  })
  const digest = sha256(manifest)
  const put = await fetch(`${url}/v2/${repository}/manifests/${reference ?? digest}`, {
    method: 'PUT',
    headers: { authorization, 'content-type': OCI_MANIFEST },
    body: manifest,
  })
  expect(put.status).toBe(201)
  return digest
}
