import { sha256 } from '@artifact-registry/test-kit'

export { sha256 }

/** Push a blob with POST + PUT (monolithic) and return its digest. */
export async function pushBlob(
  url: string,
  repository: string,
  bytes: Uint8Array,
  headers: Record<string, string> = {},
): Promise<string> {
  const digest = sha256(bytes)
  const start = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers })
  if (start.status !== 202) throw new Error(`POST upload: ${start.status} ${await start.text()}`)
  const location = new URL(start.headers.get('location') ?? '', url)
  location.searchParams.set('digest', digest)
  const done = await fetch(location, { method: 'PUT', body: bytes, headers })
  if (done.status !== 201) throw new Error(`PUT upload: ${done.status} ${await done.text()}`)
  return digest
}

/** A minimal OCI image manifest over a config and layers already pushed. */
export function imageManifest(
  config: { digest: string; size: number },
  layers: { digest: string; size: number }[],
  annotations?: Record<string, string>,
): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...l })),
      ...(annotations && { annotations }),
    }),
  )
}

/** Push a small image (config + one layer) under `tag`; returns the manifest digest. */
export async function pushImage(
  url: string,
  repository: string,
  tag: string,
  seed: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const config = Buffer.from(JSON.stringify({ seed }))
  const layer = Buffer.from(`layer of ${seed}`)
  const configDigest = await pushBlob(url, repository, config, headers)
  const layerDigest = await pushBlob(url, repository, layer, headers)
  const manifest = imageManifest({ digest: configDigest, size: config.byteLength }, [
    { digest: layerDigest, size: layer.byteLength },
  ])
  const res = await fetch(`${url}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    body: manifest,
    headers: { ...headers, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
  })
  if (res.status !== 201) throw new Error(`PUT manifest: ${res.status} ${await res.text()}`)
  return sha256(manifest)
}
