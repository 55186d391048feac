import type { RepositoryResponse, ResolvedListOptions } from '@artifact-registry/core'
import { sortByName } from '@artifact-registry/core'
import type { ScopeMap } from '@azure/arm-containerregistry'
import { isInNamespace } from './naming.js'
import { isScopeMapOf, type ScopeMaps, scopeMapName } from './scope-map.js'

/** What the listing reads and how it answers. */
export interface ListSource {
  readonly scopeMaps: ScopeMaps
  /** The binding's prefix; without one the binding owns the whole registry. */
  readonly repositoryPrefix: string | undefined
  /** The answer for a repository and its scope map, as `getRepository` gives it. */
  readonly respond: (repository: string, map: ScopeMap) => RepositoryResponse
}

/**
 * The binding's repositories, sorted: a repository is what this provider records it as, its
 * scope map, so the listing reads the registry's scope maps through ARM (every page) and keeps
 * those that are a repository's own (named after it, holding its `content/read`) within the
 * prefix. Other scope maps (a token's, somebody else's) are left out. It needs nothing beyond
 * what `getRepository` needs: `scopeMaps/read`.
 *
 * @throws the signal's reason once it is aborted; a mapped ARM error.
 */
export async function listRepositories(
  source: ListSource,
  { prefix, signal }: ResolvedListOptions,
): Promise<RepositoryResponse[]> {
  const namespace = source.repositoryPrefix === undefined ? '' : `${source.repositoryPrefix}/`
  const found: RepositoryResponse[] = []
  for (const map of await source.scopeMaps.list(signal)) {
    const repository = repositoryOf(map)
    if (repository === undefined || !isInNamespace(repository, source.repositoryPrefix)) continue
    if (!repository.startsWith(`${namespace}${prefix}`)) continue
    found.push(source.respond(repository, map))
  }
  return sortByName(found)
}

// --- Internal ---

const CONTENT_READ = /^repositories\/(.+)\/content\/read$/

/** The repository whose own scope map `map` is, or `undefined` when it is no repository's. */
function repositoryOf(map: ScopeMap): string | undefined {
  for (const action of map.actions ?? []) {
    const repository = CONTENT_READ.exec(action)?.[1]
    if (repository === undefined) continue
    const named = map.name?.toLowerCase() === scopeMapName(repository).toLowerCase()
    if (named && isScopeMapOf(map, repository)) return repository
  }
  return undefined
}
