import type { ListRepositoriesOptions, RepositoryResponse } from './artifact-registry.js'
import { describeValue } from './describe-value.js'
import { checkOptionFields, invalidArgument } from './option-fields.js'

/** `listRepositories`' options once checked: what a provider filters and cancels with. */
export interface ResolvedListOptions {
  /** Names within the binding's namespace must start with this; `''` keeps every one. */
  readonly prefix: string
  /** The caller's signal, to pass to every request of the listing. */
  readonly signal: AbortSignal | undefined
}

/**
 * Check the `options` argument of `listRepositories`, as every provider does before any request:
 * a misspelt field or a prefix that is not a string is refused instead of listing everything,
 * and a signal that is already aborted rejects with its reason.
 *
 * @throws ArtifactRegistryError `INVALID_ARGUMENT` unless `options` is undefined or an object
 *   with at most a string `prefix` and an `AbortSignal` `signal`; the signal's reason when it is
 *   already aborted.
 * @example
 * ```ts
 * const { prefix, signal } = resolveListOptions(options, 'aws')
 * ```
 */
export function resolveListOptions(options: unknown, platform = 'core'): ResolvedListOptions {
  if (options === undefined) return { prefix: '', signal: undefined }
  checkOptionFields(options, ['prefix', 'signal'], "{ prefix: 'team-' }", platform)
  const { prefix = '', signal } = options as ListRepositoriesOptions
  if (typeof prefix !== 'string') {
    throw invalidArgument(platform, `prefix must be a string, got ${describeValue(prefix)}`)
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw invalidArgument(platform, `signal must be an AbortSignal, got ${describeValue(signal)}`)
  }
  signal?.throwIfAborted()
  return { prefix, signal }
}

/**
 * Sort repositories by routable name, in the order `listRepositories` promises: UTF-16 code
 * units, as the OCI catalog sorts (never the locale's collation). Sorts in place and returns it.
 */
export function sortByName(repositories: RepositoryResponse[]): RepositoryResponse[] {
  return repositories.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}
