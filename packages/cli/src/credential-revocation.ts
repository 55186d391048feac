import type { ArtifactRegistry } from '@artifact-registry/core'

/** Which credentials to revoke: every one of a repository, or one by its username. */
export type CredentialsToRevoke = { repository: string } | { username: string }

/** Revoke credentials now; resolves to how many were revoked (0 for ones already gone). */
export type RevokeCredentials = (which: CredentialsToRevoke) => Promise<number>

/**
 * The registry's revocation, or `undefined` when its provider has none. The contract has no
 * revocation before the TTL; provider-local adds `revokeCredentials`, where a username names
 * exactly one credential (it is random per mint). On other platforms a username is shared (ECR's
 * `AWS`, GCP's `oauth2accesstoken`, an ACR token's name), so a method of that name elsewhere is
 * never called.
 */
export function revocationOf(registry: ArtifactRegistry): RevokeCredentials | undefined {
  if (registry.platform !== 'local') return undefined
  const candidate = (registry as { revokeCredentials?: unknown }).revokeCredentials
  if (typeof candidate !== 'function') return undefined
  return (which) => (candidate as RevokeCredentials).call(registry, which)
}
