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
  /** How requested credential lifetimes are clamped. */
  readonly credentialTtl: TtlRule
}
