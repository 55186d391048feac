import { createHash } from 'node:crypto'

/** Where the internal registry is and how the fake authenticates to it. */
export interface RegistryEndpoint {
  /** `http://127.0.0.1:{port}` */
  readonly internalUrl: string
  readonly adminAuthorization: string
}

/** A repository's content as the registry holds it. */
export interface RepositoryContent {
  readonly tags: string[]
  /** Digests of the manifests the tags name, each once. */
  readonly manifests: string[]
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json'

/**
 * The fake's own reads and writes of the data plane's content, through the internal registry's
 * OCI API with the fake's credential: what seeding, `DELETE /acr/v1/{name}` and assertions need.
 */
export class DataPlaneContent {
  readonly #registry: RegistryEndpoint

  constructor(registry: RegistryEndpoint) {
    this.#registry = registry
  }

  /** Push a small image (an empty config, no layers) as `repository:tag`; its manifest digest. */
  async pushImage(repository: string, tag: string): Promise<string> {
    // A distinct config per image, so two seeded images never share a digest by accident.
    const config = Buffer.from(
      JSON.stringify({ repository, tag, architecture: 'amd64', os: 'linux' }),
    )
    const configDigest = digestOf(config)
    const upload = await this.#send(
      'POST',
      `/v2/${repository}/blobs/uploads/?digest=${encodeURIComponent(configDigest)}`,
      config,
      { 'content-type': 'application/octet-stream' },
    )
    expectStatus(upload, 201, `upload the config of ${repository}:${tag}`)
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
        layers: [],
      }),
    )
    const put = await this.#send('PUT', `/v2/${repository}/manifests/${tag}`, manifest, {
      'content-type': OCI_MANIFEST,
    })
    expectStatus(put, 201, `put the manifest of ${repository}:${tag}`)
    return digestOf(manifest)
  }

  /** The tags and manifests of `repository`, or `undefined` when it holds nothing. */
  async content(repository: string): Promise<RepositoryContent | undefined> {
    const listed = await this.#everyPage(`/v2/${repository}/tags/list`, 'tags', true)
    if (listed === undefined) return undefined
    const tags = listed.sort()
    const manifests = new Set<string>()
    for (const tag of tags) {
      const head = await this.#send('HEAD', `/v2/${repository}/manifests/${tag}`, undefined, {
        accept: OCI_MANIFEST,
      })
      const digest = head.headers.get('docker-content-digest')
      if (digest !== null) manifests.add(digest)
    }
    return { tags, manifests: [...manifests] }
  }

  /** Names of the repositories that hold anything, sorted. */
  async repositories(): Promise<string[]> {
    return (await this.#everyPage('/v2/_catalog', 'repositories', false)) ?? []
  }

  /** Remove every manifest, tag and blob link of `repository`. */
  async deleteRepository(repository: string): Promise<void> {
    const answer = await this.#send('DELETE', `/_artifact-registry/repositories/${repository}`)
    expectStatus(answer, 202, `delete repository ${repository}`)
  }

  /**
   * The names under `key` of every page of a list from `first`, following each page's `Link`
   * (the registry's pages may be capped: `catalogPageLimit`); `undefined` for a 404 when
   * `missingIsUndefined`.
   */
  async #everyPage(
    first: string,
    key: 'tags' | 'repositories',
    missingIsUndefined: boolean,
  ): Promise<string[] | undefined> {
    const names: string[] = []
    for (let path: string | undefined = first; path !== undefined; ) {
      const answer = await this.#send('GET', path)
      if (answer.status === 404 && missingIsUndefined) return undefined
      expectStatus(answer, 200, `list ${first}`)
      names.push(...((JSON.parse(answer.body) as Record<string, string[] | null>)[key] ?? []))
      path = answer.headers.get('link')?.match(/<([^>]+)>\s*;\s*rel="?next"?/)?.[1]
    }
    return names
  }

  /** One request to the internal registry (plain HTTP on 127.0.0.1), with the fake's credential. */
  async #send(
    method: string,
    path: string,
    body?: Buffer,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const response = await fetch(new URL(path, this.#registry.internalUrl), {
      method,
      headers: { ...headers, authorization: this.#registry.adminAuthorization },
      body,
    })
    return { status: response.status, headers: response.headers, body: await response.text() }
  }
}

// --- Internal ---

interface Answer {
  status: number
  headers: Headers
  body: string
}

function digestOf(content: Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`
}

function expectStatus(answer: Answer, status: number, what: string): void {
  if (answer.status !== status) {
    throw new Error(`[azure-fake] could not ${what}: HTTP ${answer.status} ${answer.body}`)
  }
}
