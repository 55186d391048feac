import { type Capabilities, TTL_RULES } from '@artifact-registry/core'

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
  credentialTtl: TTL_RULES.azure,
})
