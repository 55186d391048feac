import type { RepositoryResponse, ResolvedListOptions } from '@artifact-registry/core'
import { sortByName } from '@artifact-registry/core'
import { platformError, RegistryHttpError } from './map-error.js'
import type { RegistryClient } from './registry-client.js'
import type { RepositoryOperations } from './repository-operations.js'

/** Catalog entries asked for per page. */
const PAGE_SIZE = 100

/** What the listing reads and how it answers. */
export interface ListSource {
  readonly client: RegistryClient
  readonly repositories: RepositoryOperations
  readonly bindingName: string
  /** The answer for a repository, as `getRepository` gives it. */
  readonly respond: (repository: string, createdAt: Date | null) => RepositoryResponse
}

/**
 * The binding's repositories, sorted: the registry's catalog (`GET /v2/_catalog`, admin only),
 * paged by `n` and `last` and continued through each page's `Link`, starting just after
 * `{bindingName}/` and stopping at the first name past the namespace (the catalog is sorted,
 * so the namespace's names are one run). Each name is then checked as `getRepository` checks
 * it (its marker or a tag): the catalog also names repositories that hold nothing usable.
 *
 * @throws the signal's reason once it is aborted; RegistryHttpError for an unexpected answer.
 */
export async function listRepositories(
  source: ListSource,
  { prefix, signal }: ResolvedListOptions,
): Promise<RepositoryResponse[]> {
  const namespace = `${source.bindingName}/`
  const found: RepositoryResponse[] = []
  let path: string | undefined =
    `/v2/_catalog?${new URLSearchParams({ n: String(PAGE_SIZE), last: namespace })}`
  const read = new Set([path])
  while (path !== undefined) {
    const page = await source.client.request('GET', path, { ...(signal && { signal }) })
    if (page.status !== 200)
      throw new RegistryHttpError(page.status, await page.text(), 'GET /v2/_catalog')
    const names = ((await page.json()) as { repositories?: string[] | null }).repositories ?? []
    const ours = names.filter((name) => name.startsWith(namespace))
    const wanted = ours.filter((name) => name.startsWith(`${namespace}${prefix}`))
    for (const repository of wanted) {
      signal?.throwIfAborted()
      const exists = await source.repositories.find(repository)
      if (exists !== undefined) found.push(source.respond(repository, exists.createdAt))
    }
    // Past the namespace (or at the end): the rest of the catalog is another binding's.
    path =
      ours.length < names.length
        ? undefined
        : nextPage(page.headers.get('link'), source.client, read)
  }
  return sortByName(found)
}

/**
 * The path of the `rel="next"` page in a `Link` header, on the registry's own origin (the
 * catalog's and tags/list's paging); undefined on the last page. `read` holds the paths read so
 * far, the first one included: a `Link` back to one of them (a registry that pages wrongly) is
 * an error, not a loop that never ends.
 *
 * @throws ArtifactRegistryError `INTERNAL` for a `Link` to a page already read.
 */
export function nextPage(
  link: string | null,
  client: RegistryClient,
  read: Set<string>,
): string | undefined {
  const target = link?.match(/<([^>]+)>\s*;\s*rel="?next"?/)?.[1]
  if (target === undefined) return undefined
  const url = new URL(target, `${client.baseUrl}/`)
  const path = `${url.pathname}${url.search}`
  if (read.has(path)) {
    throw platformError(
      'INTERNAL',
      `the registry at ${client.baseUrl} pages wrongly: the Link of ${[...read].at(-1)} leads back to ${path}, already read`,
    )
  }
  read.add(path)
  return path
}
