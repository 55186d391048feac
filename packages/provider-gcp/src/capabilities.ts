import { type Capabilities, TTL_RULES } from '@artifact-registry/core'

/**
 * What provider-gcp supports, true to its code:
 * - cross-account grants of type `gcp` (IAM on the GAR repository);
 * - implicit repositories: image paths exist as soon as something is pushed, so a deleted name
 *   still resolves;
 * - Basic credentials (`oauth2accesstoken` + an impersonated access token);
 * - credentials are NOT repository-scoped: GAR grants permissions per GAR repository, so a token
 *   reaches every image path in it;
 * - nor are cross-account grants: they are IAM bindings on the GAR repository, so a grant made
 *   through one image path is reported (and removed) through every other in it;
 * - lifetimes of 1–3600 s, longer requests silently capped.
 */
export const GCP_CAPABILITIES: Readonly<Capabilities> = Object.freeze({
  crossAccountAccess: 'gcp',
  implicitRepositories: true,
  credentialAuthMethod: 'basic',
  repositoryScopedCredentials: false,
  repositoryScopedGrants: false,
  listRepositories: true,
  // An access token handed out cannot be taken back before its expiry.
  revokesCredentialsOnDelete: false,
  credentialTtl: TTL_RULES.gcp,
})
