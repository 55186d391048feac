import { type Capabilities, TTL_RULES } from '@artifact-registry/core'
import type { AzureCredentialsMode } from './credentials-mode.js'

/**
 * What the Azure provider supports (in the default `aad-exchange` mode). Cross-account grants
 * are Azure RBAC's job (role assignments on the registry), not this library's; credentials are
 * Basic, the null GUID and an ACR access token for one repository, whose lifetime ACR decides
 * (the token's own `exp`; Microsoft's example lives 75 minutes): a credential cannot be made
 * shorter than the token.
 */
export const AZURE_CAPABILITIES: Readonly<Capabilities> = Object.freeze({
  crossAccountAccess: null,
  implicitRepositories: false,
  credentialAuthMethod: 'basic',
  repositoryScopedCredentials: true,
  // No cross-account grants at all, so none reaches beyond its repository.
  repositoryScopedGrants: true,
  // Repositories are recorded as scope maps, which ARM lists.
  listRepositories: true,
  // An ACR access token handed out cannot be taken back before its `exp`.
  revokesCredentialsOnDelete: false,
  credentialTtl: TTL_RULES.azure,
})

/**
 * What the Azure provider supports in `repository-token` mode: as {@link AZURE_CAPABILITIES},
 * but credentials are the ACR token's name and a generated password (Basic too), their
 * lifetime is the requested TTL exactly (`TTL_RULES['azure-repository-token']`: 60 s to 7 days),
 * and `deleteRepository` revokes them.
 */
export const AZURE_REPOSITORY_TOKEN_CAPABILITIES: Readonly<Capabilities> = Object.freeze({
  ...AZURE_CAPABILITIES,
  credentialAuthMethod: 'basic',
  credentialTtl: TTL_RULES['azure-repository-token'],
  // deleteRepository deletes the repository's ACR tokens, and their passwords with them (a bearer
  // token already obtained with one may run its course: Microsoft documents nothing either way).
  revokesCredentialsOnDelete: true,
})

/** @internal The capabilities of a credentials mode. */
export function capabilitiesOf(mode: AzureCredentialsMode): Readonly<Capabilities> {
  return mode === 'repository-token' ? AZURE_REPOSITORY_TOKEN_CAPABILITIES : AZURE_CAPABILITIES
}
