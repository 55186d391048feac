import { type Capabilities, TTL_RULES } from '@artifact-registry/core'

/**
 * What the Azure provider supports. Cross-account grants are Azure RBAC's job (role assignments
 * on the registry), not this library's; credentials are bearer tokens for one repository whose
 * lifetime ACR decides (about five minutes, from the token's `exp`).
 */
export const AZURE_CAPABILITIES: Readonly<Capabilities> = Object.freeze({
  crossAccountAccess: null,
  implicitRepositories: false,
  credentialAuthMethod: 'bearer',
  repositoryScopedCredentials: true,
  // No cross-account grants at all, so none reaches beyond its repository.
  repositoryScopedGrants: true,
  credentialTtl: TTL_RULES.azure,
})
