import type { ArtifactRegistryError } from '@artifact-registry/core'
import type { CredentialsToRevoke } from '@artifact-registry/registry-server'
import { platformError } from './map-error.js'
import { checkRoutableName } from './naming.js'

/**
 * Check what `revokeCredentials` was asked: exactly one of `username` (a non-empty string, sent
 * with this binding's namespace) or `repository` (a routable name of this binding, as
 * createRepository returned it).
 *
 * @throws ArtifactRegistryError `INVALID_ARGUMENT` for anything else; the errors of
 *   `checkRoutableName` for a repository outside the binding.
 */
export function checkCredentialsToRevoke(bindingName: string, which: unknown): CredentialsToRevoke {
  const fields = typeof which === 'object' && which !== null ? Object.keys(which) : []
  const { username, repository } = (which ?? {}) as Record<string, unknown>
  // The registry may serve other bindings too (each its own namespace), and a username names any
  // credential on it: the registry revokes this one only if it is of this binding's namespace.
  if (fields.length === 1 && typeof username === 'string' && username !== '')
    return { username, namespace: bindingName }
  if (fields.length === 1 && typeof repository === 'string')
    return { repository: checkRoutableName(bindingName, repository) }
  throw invalidSelection()
}

function invalidSelection(): ArtifactRegistryError {
  return platformError(
    'INVALID_ARGUMENT',
    'revokeCredentials takes { username } (a credential generateCredentials returned) or { repository } (a name createRepository returned), one of them',
  )
}
