import { type ArtifactRegistry, ArtifactRegistryError } from '@artifact-registry/core'
import type { Command } from 'commander'
import { type CommandContext, withBindingOptions } from '../context.js'
import { forgetCachedCredentials } from '../credential-helper/forget-revoked.js'
import {
  type CredentialsToRevoke,
  type RevokeCredentials,
  revocationOf,
} from '../credential-revocation.js'
import { UsageError } from '../failure.js'

/**
 * `revoke NAME` (every credential of a repository) and `revoke --username USER` (one credential):
 * a credential that leaked, or outlived what it was minted for, stops working now rather than at
 * its TTL. Only providers that can do it offer it (the local registry); on the others a minted
 * credential lives until its TTL, and the command says so (`NOT_SUPPORTED`).
 */
export function addRevokeCommand(program: Command, context: CommandContext): void {
  withBindingOptions(
    program
      .command('revoke')
      .argument('[name]', 'routable name: revoke every credential of this repository'),
  )
    .description('revoke credentials before their TTL: all of a repository, or one by username')
    .option(
      '--username <username>',
      'revoke only this credential (the username it was minted with)',
    )
    .action(async (name: string | undefined, options: { username?: string }, command: Command) => {
      const which = credentialsToRevoke(name, options.username)
      const terminal = context.terminal(command)
      terminal.progress(`revoking ${describe(which)}…`)
      const { revoked, endpoint } = await context.withRegistry(command, async (registry) => ({
        revoked: await revoking(registry)(which),
        endpoint: registry.registryEndpoint,
      }))
      await forgetCachedCredentials(context.io, endpoint, which)
      terminal.result(
        { ...which, revoked },
        () => `revoked ${revoked} credential${revoked === 1 ? '' : 's'} (${describe(which)})`,
      )
    })
}

function credentialsToRevoke(
  name: string | undefined,
  username: string | undefined,
): CredentialsToRevoke {
  if (name !== undefined && username !== undefined) {
    throw new UsageError('give a repository NAME or --username, not both')
  }
  if (name !== undefined) return { repository: name }
  if (username !== undefined) return { username }
  throw new UsageError('give the repository NAME whose credentials to revoke, or --username')
}

function describe(which: CredentialsToRevoke): string {
  return 'repository' in which
    ? `every credential of ${which.repository}`
    : `the credential ${which.username}`
}

/** The registry's revocation; `NOT_SUPPORTED` saying what to do instead when it has none. */
function revoking(registry: ArtifactRegistry): RevokeCredentials {
  const revoke = revocationOf(registry)
  if (revoke !== undefined) return revoke
  throw new ArtifactRegistryError(
    'NOT_SUPPORTED',
    `The ${registry.platform} provider cannot revoke a credential before its TTL: a minted credential stays valid until its expiresAt. Mint short TTLs, or take the access away from the identity the credentials were minted for.`,
    { platform: registry.platform },
  )
}
