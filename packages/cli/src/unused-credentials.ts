import type { ArtifactRegistry, ArtifactRegistryCredentials } from '@artifact-registry/core'
import { ClientLoginError } from './client-login.js'

/** The one-credential revocation some providers add to the contract (provider-local's). */
type RevokeByUsername = (which: { username: string }) => Promise<unknown>

/**
 * Deal with credentials a client failed to log in with, so that no one holds a live secret
 * nobody uses: revoke them when the provider can revoke one credential, else say until when they
 * stay valid. Returns the error to report: the client's failure, with what became of the
 * credentials on a line of its own (the password is never in it).
 */
export async function retireUnusedCredentials(
  registry: ArtifactRegistry,
  credentials: ArtifactRegistryCredentials,
  failure: ClientLoginError,
): Promise<ClientLoginError> {
  const revoke = revocationOf(registry)
  const until = validUntil(credentials)
  if (revoke === undefined) {
    return new ClientLoginError(
      `${failure.message}\nthe credentials minted for it (${credentials.username}) stay valid ${until}: this platform cannot revoke one credential`,
      { cause: failure },
    )
  }
  try {
    await revoke({ username: credentials.username })
  } catch (error) {
    return new ClientLoginError(
      `${failure.message}\nrevoking the credentials minted for it (${credentials.username}) failed, so they stay valid ${until}: ${(error as Error).message}`,
      { cause: error },
    )
  }
  return new ClientLoginError(
    `${failure.message}\nthe credentials minted for it (${credentials.username}) were revoked`,
    { cause: failure },
  )
}

// The contract has no per-credential revocation; a provider that adds one (provider-local's
// `revokeCredentials({ username })`) is asked through it.
function revocationOf(registry: ArtifactRegistry): RevokeByUsername | undefined {
  const candidate = (registry as { revokeCredentials?: unknown }).revokeCredentials
  if (typeof candidate !== 'function') return undefined
  return (which) => (candidate as RevokeByUsername).call(registry, which)
}

function validUntil(credentials: ArtifactRegistryCredentials): string {
  return credentials.expiresAt === null
    ? 'until the platform expires them'
    : `until ${credentials.expiresAt.toISOString()}`
}
