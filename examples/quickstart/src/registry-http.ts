import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import { type Blob, blob, type Image } from './image.ts'

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json'

/** Talks to a registry as `docker` would, with Basic credentials from generateCredentials. */
export class RegistryHttp {
  readonly #base: string
  readonly #authorization: string

  constructor(credentials: ArtifactRegistryCredentials) {
    this.#base = `http://${credentials.registry}`
    this.#authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
  }

  /** Push blobs and the manifest under `tag`; returns the status of the first refused request, or 201. */
  async push(repository: string, tag: string, image: Image): Promise<number> {
    for (const b of [image.layer, image.config]) {
      const start = await this.#send('POST', `/v2/${repository}/blobs/uploads/`)
      if (start.status !== 202) return start.status
      const location = new URL(start.headers.get('location') ?? '', this.#base)
      location.searchParams.set('digest', b.digest)
      const done = await this.#send('PUT', `${location.pathname}${location.search}`, b.bytes)
      if (done.status !== 201) return done.status
    }
    const put = await this.#send(
      'PUT',
      `/v2/${repository}/manifests/${tag}`,
      image.manifest.bytes,
      MANIFEST_TYPE,
    )
    return put.status
  }

  /** Pull the manifest of `tag` and every blob it names, verifying each digest. */
  async pull(
    repository: string,
    tag: string,
  ): Promise<{ status: number; manifest?: Blob; verified?: boolean }> {
    const res = await this.#send(
      'GET',
      `/v2/${repository}/manifests/${tag}`,
      undefined,
      undefined,
      MANIFEST_TYPE,
    )
    if (res.status !== 200) return { status: res.status }
    const manifest = blob(Buffer.from(await res.arrayBuffer()))
    const parsed = JSON.parse(manifest.bytes.toString()) as {
      config: { digest: string }
      layers: { digest: string }[]
    }
    let verified = manifest.digest === res.headers.get('docker-content-digest')
    for (const digest of [parsed.config.digest, ...parsed.layers.map((l) => l.digest)]) {
      const got = await this.#send('GET', `/v2/${repository}/blobs/${digest}`)
      verified &&=
        got.status === 200 && blob(Buffer.from(await got.arrayBuffer())).digest === digest
    }
    return { status: 200, manifest, verified }
  }

  #send(
    method: string,
    path: string,
    body?: Buffer,
    contentType?: string,
    accept?: string,
  ): Promise<Response> {
    return fetch(`${this.#base}${path}`, {
      method,
      ...(body && { body }),
      headers: {
        authorization: this.#authorization,
        ...(contentType && { 'content-type': contentType }),
        ...(accept && { accept }),
      },
    })
  }
}
