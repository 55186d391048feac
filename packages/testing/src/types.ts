import type { ArtifactRegistry, ArtifactRegistryCredentials } from '@artifact-registry/core'
import type { ExpectStatic } from 'vitest'

/** The part of a test context the suite uses: pass vitest's own, which has both. */
export interface ContractTestContext {
  /** The context-bound `expect` (safe with concurrent tests). */
  expect: ExpectStatic
  /** Marks the running test as skipped, with the reason. */
  skip: (note?: string) => void
}

/** A test body of the suite. */
export type ContractTestFn = (context: ContractTestContext) => Promise<void>

/** The runner functions the suite registers its tests with: pass vitest's `describe` and `it`. */
export interface ContractTestRunner {
  describe: (name: string, fn: () => void) => unknown
  it: (name: string, fn: ContractTestFn, timeout?: number) => unknown
}

/** The groups of the contract suite. */
export type ContractGroup =
  | 'lifecycle'
  | 'naming'
  | 'credentials'
  | 'crossAccount'
  | 'capabilities'
  | 'dataPlane'
  | 'listRepositories'

/**
 * How the `dataPlane` group reaches the registry that minted credentials are for. The group pushes,
 * pulls and deletes images there with skopeo, as a user of the credentials would.
 */
export interface DataPlaneOptions {
  /**
   * Make `credentials` expire for the registry: a fake advances its clock past `expiresAt`; a live
   * registry waits until that moment has passed. The suite also passes credentials with an earlier
   * `expiresAt`, to bring the registry to a moment shortly before the real expiry: go by the
   * `expiresAt` given, and past it by no more than `expireOvershootMs`.
   */
  expire: (credentials: ArtifactRegistryCredentials) => Promise<void>
  /**
   * How far past the `expiresAt` it is given `expire` may bring the registry (a live lane waits a
   * margin for clock skew). The expiry test checks the credentials that far and more before their
   * expiry, so the larger it is, the longer the credentials it mints. @default 1000
   */
  expireOvershootMs?: number
  /** `false` for a plain-HTTP registry. @default true */
  tls?: boolean
  /** PEM of a CA to trust for an HTTPS registry whose certificate is not publicly trusted. */
  caCertificate?: string
}

/** An identity of another account (AWS) or project (GCP), as a cross-account grant names it. */
export type GranteeIdentity =
  | {
      readonly type: 'aws'
      /** The identity's account. */
      readonly accountId: string
      /** A role of that account: the identity is a session of it; without it, an IAM user. */
      readonly roleArn?: string
    }
  | { readonly type: 'gcp'; readonly serviceAccountEmail: string }

/** How the `dataPlane` group acts as the grantee of a cross-account grant. */
export interface GranteeOptions<R extends ArtifactRegistry = ArtifactRegistry> {
  /**
   * Registry credentials of `identity`, got as that identity gets them in its own account or
   * project (AWS: `GetAuthorizationToken` signed by it; GCP: an access token of the service
   * account, as `oauth2accesstoken`), for the registry `registry`'s credentials are for.
   */
  credentialsOf: (identity: GranteeIdentity, registry: R) => Promise<ArtifactRegistryCredentials>
  /**
   * How long a grant change may take to show at the registry (IAM propagation on a live
   * platform); the suite tries again until then before it calls an outcome wrong. @default 0
   */
  propagationMs?: number
}

/** Options of `artifactRegistryContractSuite` and of every group function. */
export interface ContractSuiteOptions<R extends ArtifactRegistry = ArtifactRegistry> {
  /** Your test runner's functions, e.g. `{ describe, it }` from vitest. */
  test: ContractTestRunner
  /** Returns a fresh, isolated provider; called once per test. */
  factory: () => R | Promise<R>
  /** Disposes a provider after each test. @default registry.close() */
  teardown?: (registry: R) => Promise<void>
  /**
   * Groups to leave out. An escape hatch: normal gating comes from the provider's declared
   * `capabilities`.
   */
  exclude?: readonly ContractGroup[]
  /**
   * Opt in to the `dataPlane` group: credentials are used against the registry with skopeo (which
   * must be on `PATH`). Without it the group's tests are skipped.
   */
  dataPlane?: DataPlaneOptions
  /**
   * Returns a provider of another binding (another prefix, namespace or GAR repository) on the
   * same registry as `registry`, disposed of like every provider. The `listRepositories` group
   * checks that neither lists the other's repositories, and the `dataPlane` group that this
   * binding's credentials are refused on the other's repository of the same logical name;
   * without it, those tests are skipped.
   */
  otherBinding?: (registry: R) => R | Promise<R>
  /**
   * Opt in to checking cross-account grants at the registry (with `dataPlane`): the `dataPlane`
   * group then pulls as the identities of {@link GRANTEE_IDENTITIES} (make them exist), before and
   * after grants name them. Without it, those tests are skipped.
   */
  grantees?: GranteeOptions<R>
  /** Timeout of each test in milliseconds. @default 30000 */
  timeoutMs?: number
}
