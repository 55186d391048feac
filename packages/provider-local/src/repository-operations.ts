import { nextPage } from './list-repositories.js'
import { platformError, RegistryHttpError } from './map-error.js'
import { EMPTY_BLOB, EMPTY_BLOB_DIGEST, MARKER_DIGEST, MARKER_MANIFEST } from './marker.js'
import type { RegistryClient } from './registry-client.js'

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
/** How a registry without our repository delete endpoint answers it: no such path, or method. */
const NO_DELETE_ENDPOINT: ReadonlySet<number> = new Set([404, 405])
const ACCEPT = [
  OCI_MANIFEST,
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ')

/** Repository operations over the OCI API, with the admin client. */
export class RepositoryOperations {
  readonly #client: RegistryClient

  constructor(client: RegistryClient) {
    this.#client = client
  }

  /** Push the marker (idempotent); returns when the repository was created, if the registry says. */
  async create(repository: string): Promise<Date | null> {
    const existing = await this.#markerDate(repository)
    if (existing !== undefined) return existing
    await this.#pushEmptyBlob(repository)
    await this.#client.expect([201], 'PUT', `/v2/${repository}/manifests/${MARKER_DIGEST}`, {
      body: MARKER_MANIFEST,
      headers: { 'content-type': OCI_MANIFEST },
    })
    return (await this.#markerDate(repository)) ?? null
  }

  /** The repository if it exists (its marker, or any tag); `undefined` when it does not. */
  async find(repository: string): Promise<{ createdAt: Date | null } | undefined> {
    const marker = await this.#markerDate(repository)
    if (marker !== undefined) return { createdAt: marker }
    const tags = await this.#client.request('GET', `/v2/${repository}/tags/list?n=1`)
    if (tags.status === 404) return undefined
    if (tags.status !== 200) throw await unexpected(tags, 'GET tags/list')
    const body = (await tags.json()) as { tags?: string[] | null }
    return (body.tags?.length ?? 0) > 0 ? { createdAt: null } : undefined
  }

  /**
   * Remove the repository's manifests, tags and blob links, and revoke its credentials. Our
   * registry does both in one admin call; behind a registry:2, `revokeCredentials` (at the token
   * service) runs first, so no old credential gets a token while the OCI deletes of every tagged
   * manifest, its blobs and the marker go on.
   */
  async delete(repository: string, revokeCredentials: () => Promise<unknown>): Promise<void> {
    const path = `/_artifact-registry/repositories/${repository}`
    const whole = await this.#client.request('DELETE', path)
    if (whole.status === 202) {
      await whole.body?.cancel()
      return
    }
    // Only a registry without the endpoint (registry:2 answers 404) is deleted tag by tag. Our
    // registry failing it (5xx, 429) is no such registry: deleting tag by tag there would leave
    // the manifests no tag names and report the repository deleted.
    if (!NO_DELETE_ENDPOINT.has(whole.status)) throw await unexpected(whole, `DELETE ${path}`)
    await whole.body?.cancel()
    await revokeCredentials()
    const names = await this.#allTags(repository)
    const digests = new Set<string>([MARKER_DIGEST])
    for (const tag of names) {
      const head = await this.#client.request('HEAD', `/v2/${repository}/manifests/${tag}`, {
        headers: { accept: ACCEPT },
      })
      // A tag deleted meanwhile is gone already. Any other failure (a 5xx, a 429) must fail the
      // delete: skipped, the tag and its image survived a deleteRepository that resolved.
      if (head.status === 404) continue
      if (head.status !== 200) throw await unexpected(head, `HEAD manifest ${tag}`)
      const digest = head.headers.get('docker-content-digest')
      if (!digest) {
        throw platformError(
          'UNAVAILABLE',
          `HEAD /v2/${repository}/manifests/${tag} answered without a Docker-Content-Digest, so its manifest cannot be deleted; deleteRepository deleted nothing and may be called again`,
        )
      }
      digests.add(digest)
    }
    const deleted = new Set<string>()
    for (const digest of digests) await this.#deleteManifest(repository, digest, deleted)
    // And again once the content is gone: a credential minted meanwhile (by another process that
    // still saw the repository) would otherwise outlive the delete, into the name created again.
    await revokeCredentials()
  }

  /**
   * Delete one manifest and its blob links; an index (or Docker manifest list) has the manifests
   * it lists deleted first. No tag names those (a multi-platform image is tagged by its index
   * only), and a registry:2 cannot list untagged manifests: left behind, they and their layers
   * were pulled by digest from the repository created again under the name. Children go before
   * their index, so a delete that fails half way still has the tag that leads to them.
   * `deleted` holds the digests already handled in this delete (indexes may share a child).
   */
  async #deleteManifest(repository: string, digest: string, deleted: Set<string>): Promise<void> {
    if (deleted.has(digest)) return
    deleted.add(digest)
    const res = await this.#client.request('GET', `/v2/${repository}/manifests/${digest}`, {
      headers: { accept: ACCEPT },
    })
    if (res.status === 404) {
      await res.body?.cancel()
      return
    }
    // Read as `{}`, a failed answer deleted the manifest but none of its blob links.
    if (res.status !== 200) throw await unexpected(res, `GET manifest ${digest}`)
    // Only a body read whole and not JSON counts as referencing nothing. One cut short (the
    // connection failed) throws: read as `{}`, the manifest went and its blob links (an index's
    // manifests) stayed, behind a delete that resolved.
    const manifest = parsedOrEmpty(await res.text())
    for (const child of digestsIn(manifest, 'manifests'))
      await this.#deleteManifest(repository, child, deleted)
    await this.#client.expect([202, 404], 'DELETE', `/v2/${repository}/manifests/${digest}`)
    for (const blob of new Set([
      ...digestsIn(manifest, 'config'),
      ...digestsIn(manifest, 'layers'),
    ])) {
      await this.#client.expect([202, 404, 405], 'DELETE', `/v2/${repository}/blobs/${blob}`)
    }
  }

  /**
   * Every tag of `repository`, following each page's `Link`: a registry may answer part of the
   * list even when no `n` asked for a page (the OCI distribution spec), and a tag left unread
   * would keep its image after the delete. None for a repository the registry does not know.
   */
  async #allTags(repository: string): Promise<string[]> {
    const tags: string[] = []
    const first = `/v2/${repository}/tags/list`
    const read = new Set([first])
    let path: string | undefined = first
    while (path !== undefined) {
      const res = await this.#client.request('GET', path)
      if (res.status === 404 && path === first) {
        await res.body?.cancel()
        return tags
      }
      // Unknown only when the first page says so. A later page gone (the repository changed
      // while it was read) is no "nothing left": its tags' images would survive the delete.
      if (res.status === 404) {
        await res.body?.cancel()
        throw platformError(
          'UNAVAILABLE',
          `GET ${path} answered 404 after the first page of tags/list was read: the repository changed while its tags were listed; deleteRepository deleted nothing and may be called again`,
        )
      }
      if (res.status !== 200) throw await unexpected(res, 'GET tags/list')
      tags.push(...(((await res.json()) as { tags?: string[] | null }).tags ?? []))
      path = nextPage(res.headers.get('link'), this.#client, read)
    }
    return tags
  }

  async #markerDate(repository: string): Promise<Date | null | undefined> {
    const res = await this.#client.request('HEAD', `/v2/${repository}/manifests/${MARKER_DIGEST}`, {
      headers: { accept: ACCEPT },
    })
    if (res.status === 404) return undefined
    if (res.status !== 200) throw await unexpected(res, 'HEAD marker manifest')
    const modified = res.headers.get('last-modified')
    return modified ? new Date(modified) : null
  }

  /**
   * Upload the marker's blob in one request, without a HEAD first: the upload is as small as the
   * HEAD, and a registry takes a blob it already holds again. registry:2 takes no blob in a POST:
   * its 202 opened an upload session, which the blob then finishes, rather than a second session
   * being opened and the first left behind (docs/cloud-calls.md#local).
   */
  async #pushEmptyBlob(repository: string): Promise<void> {
    const blob = { body: EMPTY_BLOB, headers: { 'content-type': 'application/octet-stream' } }
    const uploads = `/v2/${repository}/blobs/uploads/`
    const single = await this.#client.request(
      'POST',
      `${uploads}?digest=${EMPTY_BLOB_DIGEST}`,
      blob,
    )
    await single.body?.cancel()
    if (single.status === 201) return
    const opened =
      single.status === 202 && single.headers.has('location')
        ? single
        : await this.#client.expect([202], 'POST', uploads)
    const location = new URL(opened.headers.get('location') ?? '', this.#client.baseUrl)
    location.searchParams.set('digest', EMPTY_BLOB_DIGEST)
    await this.#client.expect([201], 'PUT', `${location.pathname}${location.search}`, blob)
  }
}

/**
 * The digests a manifest's `field` references: its `config`, its `layers`, or an index's
 * `manifests`. Nothing for a field that is missing or not of that shape.
 */
function digestsIn(manifest: unknown, field: 'config' | 'layers' | 'manifests'): string[] {
  const value = (manifest as Record<string, unknown> | null)?.[field]
  const descriptors = Array.isArray(value) ? value : [value]
  return descriptors
    .map((d) => (d as { digest?: unknown } | null | undefined)?.digest)
    .filter((d): d is string => typeof d === 'string')
}

/** A manifest's JSON, or `{}` for a body that is none (nothing it references can be read). */
function parsedOrEmpty(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return {}
  }
}

// The error for an answer already in hand (no second request just to raise it).
async function unexpected(res: Response, what: string): Promise<RegistryHttpError> {
  return new RegistryHttpError(res.status, await res.text(), what)
}
