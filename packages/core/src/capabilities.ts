import type { ArtifactRegistryCredentials, CrossAccountAccess } from './artifact-registry.js'
import type { TtlRule } from './ttl.js'

/**
 * What a provider supports. `@artifact-registry/testing` gates its groups on these values and
 * checks that they are true to the code, so they also tell users what to expect.
 */
export interface Capabilities {
  /**
   * The cross-account access variant this provider accepts, or `null` when cross-account grants
   * are not supported (the methods throw `NOT_SUPPORTED`).
   */
  readonly crossAccountAccess: CrossAccountAccess['type'] | null
  /**
   * `true` when repositories exist implicitly (GAR image paths appear on first push): after
   * `deleteRepository`, `getRepository` still answers instead of `NOT_FOUND`.
   */
  readonly implicitRepositories: boolean
  /** Authentication method of generated credentials. */
  readonly credentialAuthMethod: ArtifactRegistryCredentials['authMethod']
  /**
   * `true` when a credential reaches only the one repository it was minted for. GAR grants per
   * GAR repository, so its credentials reach every image path in it.
   */
  readonly repositoryScopedCredentials: boolean
  /**
   * `true` when a cross-account grant made through one repository reaches that repository only.
   * `false` when the platform keeps grants on something that holds several repositories: GAR
   * keeps IAM on the GAR repository, so a grant made through image path `a` is reported by
   * `getCrossAccountAccess(b)` for every image path `b` in the same GAR repository, and removing
   * it through `b` removes it for `a` too. `true` when `crossAccountAccess` is `null`: no grant
   * exists that could reach further.
   */
  readonly repositoryScopedGrants: boolean
  /**
   * `true` when the provider implements `listRepositories`. Optional so that providers written
   * before it existed still compile; absent means `false`.
   */
  readonly listRepositories?: boolean
  /**
   * `true` when `deleteRepository` takes back every credential minted for the repository: once it
   * returns, they are refused, and the registry issues no new token for them, also on a
   * repository created again under the same name. A registry token a client already obtained
   * with one (the Bearer flow of docker and skopeo) may still live until its own expiry where the
   * registry checks such tokens on their own: each provider's README says how long. `false` where
   * the platform cannot take back a credential already handed out (an STS session, an access
   * token): it stays valid until its `expiresAt`. Optional so that providers written before it
   * existed still compile; absent means `false`.
   */
  readonly revokesCredentialsOnDelete?: boolean
  /** How requested credential lifetimes are clamped. */
  readonly credentialTtl: TtlRule
}
