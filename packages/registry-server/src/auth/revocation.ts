import { isRepositoryName } from '../names.js'

/** Which credentials to revoke: one, by its username, or every one of a repository. */
export type CredentialsToRevoke = { username: string } | { repository: string }

/**
 * Check what a caller asked to revoke: exactly one of `username` (a non-empty string) or
 * `repository` (a valid repository name).
 *
 * @throws TypeError naming what is wrong
 */
export function parseCredentialsToRevoke(value: unknown): CredentialsToRevoke {
  const fields = typeof value === 'object' && value !== null ? Object.keys(value) : []
  const { username, repository } = (value ?? {}) as Record<string, unknown>
  if (fields.length === 1 && typeof username === 'string' && username !== '') return { username }
  if (fields.length === 1 && typeof repository === 'string') {
    if (!isRepositoryName(repository))
      throw new TypeError('repository must be a valid repository name')
    return { repository }
  }
  throw new TypeError(
    'say which credentials to revoke: { username } or { repository }, one of them',
  )
}
