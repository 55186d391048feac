import {
  isValidPlatformName,
  type RepositoryResponse,
  resolveListOptions,
  sortByName,
} from '@artifact-registry/core'
import { paginateDescribeRepositories } from '@aws-sdk/client-ecr'
import type { AwsContext } from './context.js'
import { mapError } from './map-error.js'
import { PLATFORM } from './platform.js'
import { toResponse } from './repository.js'

/** ECR's largest `maxResults`: the fewest `DescribeRepositories` calls for a whole registry. */
const PAGE_SIZE = 1000

/**
 * The repositories of this provider's prefix in the home region, sorted by name. ECR has no
 * server-side name filter, so every page of `DescribeRepositories` (the whole registry of the
 * region) is read and the names are filtered here: `{repositoryPrefix}-{options.prefix}…`, the
 * prefix compared with the ECR form of the name (the logical name whenever ECR took it as given).
 *
 * @throws ArtifactRegistryError `INVALID_ARGUMENT` for bad options; the signal's reason once it
 *   is aborted; a mapped error of `DescribeRepositories`.
 */
export async function listRepositories(
  ctx: AwsContext,
  options: unknown,
): Promise<RepositoryResponse[]> {
  const { prefix, signal } = resolveListOptions(options, PLATFORM)
  const under = `${ctx.options.prefix}-${prefix}`
  const client = ctx.clients.ecr(ctx.options.region)
  const pages = paginateDescribeRepositories(
    { client, pageSize: PAGE_SIZE, stopOnSameToken: true },
    {},
    { abortSignal: signal },
  )
  const found: RepositoryResponse[] = []
  try {
    for await (const page of pages) {
      for (const repository of page.repositories ?? []) {
        const name = repository.repositoryName ?? ''
        if (name.startsWith(under) && isValidPlatformName('ecr', name)) {
          found.push(toResponse(ctx, repository, name))
        }
      }
    }
  } catch (err) {
    signal?.throwIfAborted()
    throw mapError(err, { operation: 'DescribeRepositories' })
  }
  return sortByName(found)
}
