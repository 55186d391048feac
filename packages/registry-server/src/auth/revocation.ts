import { isRepositoryName } from '../names.js'

/**
 * Which credentials to revoke: one, by its username, every one of a repository, or every one of
 * the repositories under `namespace/` (whether or not they exist: a deprovision that tears the
 * namespace down must reach the credentials of a name that no longer holds anything).
 *
 * With `namespace`, a username is revoked only when its credential is for a repository under
 * `namespace/`: a caller that owns one namespace of a shared registry (a provider-local binding)
 * cannot take back another namespace's credentials. A credential outside it is left as it is and
 * not counted, as if unknown, which also tells the caller nothing about the other namespace.
 */
export type CredentialsToRevoke =
  | { username: string; namespace?: string }
  | { repository: string }
  | { namespace: string }

/**
 * Check what a caller asked to revoke: exactly one of `username` (a non-empty string, optionally
 * with a `namespace` that is a valid repository name), `repository` (a valid repository name) or
 * `namespace` alone (a valid repository name).
 *
 * @throws TypeError naming what is wrong
 */
export function parseCredentialsToRevoke(value: unknown): CredentialsToRevoke {
  const fields = typeof value === 'object' && value !== null ? Object.keys(value) : []
  const { username, repository, namespace } = (value ?? {}) as Record<string, unknown>
  const usernameGiven = typeof username === 'string' && username !== ''
  if (usernameGiven && fields.length === 1) return { username }
  if (usernameGiven && fields.length === 2 && namespace !== undefined) {
    if (typeof namespace !== 'string' || !isRepositoryName(namespace))
      throw new TypeError('namespace must be a valid repository name')
    return { username, namespace }
  }
  if (fields.length === 1 && typeof repository === 'string') {
    if (!isRepositoryName(repository))
      throw new TypeError('repository must be a valid repository name')
    return { repository }
  }
  if (fields.length === 1 && typeof namespace === 'string') {
    if (!isRepositoryName(namespace))
      throw new TypeError('namespace must be a valid repository name')
    return { namespace }
  }
  throw new TypeError(
    'say which credentials to revoke: { username } (optionally with its namespace), { repository } or { namespace }, one of them',
  )
}

/** Whether a credential for `repository` is among those `which` selects, by name or namespace. */
export function isInScopeOfRevocation(which: CredentialsToRevoke, repository: string): boolean {
  if ('repository' in which) return repository === which.repository
  return which.namespace === undefined || repository.startsWith(`${which.namespace}/`)
}
