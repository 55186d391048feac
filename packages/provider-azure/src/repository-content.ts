import { type DataPlaneClient, DataPlaneError } from './data-plane.js'
import type { Caller } from './retry.js'
import type { TokenExchange } from './token-exchange.js'

/** What {@link deleteRepositoryContent} needs. */
export interface RepositoryContentDeps {
  readonly tokens: TokenExchange
  readonly http: DataPlaneClient
  readonly call: Caller
}

/**
 * Delete a repository's content (every manifest and tag) through the registry's data plane,
 * `DELETE /acr/v1/{name}`, with an access token scoped to `repository:{name}:delete`.
 *
 * @returns `false` when the repository had no content (ACR's `NAME_UNKNOWN`), `true` otherwise.
 */
export async function deleteRepositoryContent(
  repository: string,
  deps: RepositoryContentDeps,
): Promise<boolean> {
  const { token } = await deps.tokens.repositoryToken(repository, ['delete'])
  return deps.call(
    'write',
    { operation: 'delete the content of repository', resource: repository },
    async () => {
      // Repository names are validated lowercase OCI paths: their `/` stays a path separator.
      const response = await deps.http.send('DELETE', `/acr/v1/${repository}`, {
        authorization: `Bearer ${token}`,
      })
      if (response.status === 404) return false
      if (response.status >= 200 && response.status < 300) return true
      throw new DataPlaneError(response, 'DELETE /acr/v1/{name}')
    },
  )
}
