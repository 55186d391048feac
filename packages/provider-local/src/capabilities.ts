import { type Capabilities, TTL_RULES } from '@artifact-registry/core'

/**
 * What the local provider supports: no cloud accounts, so no cross-account grants; explicit
 * repositories (a marker is pushed); Basic credentials for one repository and one permission,
 * expiring at exactly the requested lifetime; repositories listed from the registry's catalog.
 */
export const LOCAL_CAPABILITIES: Readonly<Capabilities> = Object.freeze({
  crossAccountAccess: null,
  implicitRepositories: false,
  credentialAuthMethod: 'basic',
  repositoryScopedCredentials: true,
  // No cross-account grants at all, so none reaches beyond its repository.
  repositoryScopedGrants: true,
  // The registry's catalog lists them.
  listRepositories: true,
  // The registry deletes the repository's credentials with it, and refuses the tokens issued from
  // them; a registry:2 behind the token service honours a token already issued until it expires.
  revokesCredentialsOnDelete: true,
  credentialTtl: TTL_RULES.local,
})
