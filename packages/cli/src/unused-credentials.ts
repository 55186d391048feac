import type { ArtifactRegistry, ArtifactRegistryCredentials } from '@artifact-registry/core'
import { revocationOf } from './credential-revocation.js'

/** An error of the same kind as the failure, with `message`: what the command reports. */
export type RewrapFailure<E extends Error> = (message: string, options: { cause: unknown }) => E

/**
 * Deal with credentials that never reached their user (a client failed to log in with them, or
 * the output that carried them could not be written), so that no one holds a live secret nobody
 * uses: revoke them when the provider can revoke exactly that credential, else say until when
 * they stay valid. Returns the error to report, made by `rewrap`: the failure's message, with
 * what became of the credentials on a line of its own (never the password).
 */
export async function retireUnusedCredentials<E extends Error>(
  registry: ArtifactRegistry,
  credentials: ArtifactRegistryCredentials,
  failure: E,
  rewrap: RewrapFailure<E>,
): Promise<E> {
  const revoke = revocationOf(registry)
  const until = validUntil(credentials)
  const which = `the credentials minted for it (${credentials.username})`
  if (revoke === undefined) {
    return rewrap(
      `${failure.message}\n${which} stay valid ${until}: this provider cannot revoke one credential`,
      { cause: failure },
    )
  }
  let revoked: unknown
  try {
    revoked = await revoke({ username: credentials.username })
  } catch (error) {
    // The request may have reached the registry before it failed: whether they still work is
    // not known.
    const why = error instanceof Error ? error.message : String(error)
    return rewrap(
      `${failure.message}\nrevoking ${which} failed, so they may stay valid ${until}: ${why}`,
      { cause: error },
    )
  }
  const outcome = revoked === 0 ? 'were already expired or revoked' : 'were revoked'
  return rewrap(`${failure.message}\n${which} ${outcome}`, { cause: failure })
}

function validUntil(credentials: ArtifactRegistryCredentials): string {
  return credentials.expiresAt === null
    ? 'until the platform expires them'
    : `until ${credentials.expiresAt.toISOString()}`
}
