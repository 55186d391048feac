import type { Capabilities } from './capabilities.js'

/** Permission level of generated credentials. `push-pull` also allows deleting manifests. */
export type Permission = 'pull' | 'push-pull'

/** Compute services of another account that may be allowed to pull. Grows later (container, vm, kubernetes). */
export type ComputeServiceType = 'worker'

/** A repository as the platform knows it. */
export interface RepositoryResponse {
  /** Routable, platform-specific name; pass it unchanged to every other call. */
  name: string
  /** Full image reference without tag, e.g. `123.dkr.ecr.us-east-1.amazonaws.com/acme-my-app`; `null` = not ready. */
  uri: string | null
  /** When the platform created it; `null` when the platform does not say. */
  createdAt: Date | null
}

/** Credentials usable with `docker login`, skopeo or podman. */
export interface ArtifactRegistryCredentials {
  /** `basic`: username + password; `bearer`: `password` is a registry access token, `username` is empty. */
  authMethod: 'basic' | 'bearer'
  /** `host[:port]` to log in to. */
  registry: string
  /** Empty for bearer. */
  username: string
  /** The secret. Never log it. */
  password: string
  /** The real expiry reported by the platform, never a guess; `null` only when the platform gives none. */
  expiresAt: Date | null
}

/** Pull access for other AWS accounts: principals, role ARNs and Lambda regions. */
export interface AwsCrossAccountAccess {
  type: 'aws'
  /** 12-digit account ids whose root principal is granted. */
  accountIds: string[]
  /** IAM role ARNs granted individually (never widened to their account). */
  roleArns: string[]
  /** Regions of the Lambda functions (`worker`) allowed to pull, per account. */
  regions: string[]
  /** Compute services of those accounts allowed to pull. */
  allowedServiceTypes: ComputeServiceType[]
}

/** Pull access for other GCP projects and service accounts. */
export interface GcpCrossAccountAccess {
  type: 'gcp'
  /** Project numbers (not ids) whose Cloud Run service agent is granted for `worker`. */
  projectNumbers: string[]
  /** Bare service account emails (no `serviceAccount:` prefix). */
  serviceAccountEmails: string[]
  /** Compute services of those projects allowed to pull. */
  allowedServiceTypes: ComputeServiceType[]
}

/** Cross-account pull access, discriminated by `type`. */
export type CrossAccountAccess = AwsCrossAccountAccess | GcpCrossAccountAccess

/** What is granted now, and when it last changed (`null` when the platform does not say). */
export interface CrossAccountPermissions {
  access: CrossAccountAccess
  lastUpdated: Date | null
}

/** Options of {@link ArtifactRegistry.generateCredentials}. */
export interface GenerateCredentialsOptions {
  /** Requested lifetime in seconds: a positive integer, clamped to the platform's limits. */
  ttlSeconds?: number
}

/** Options of {@link ArtifactRegistry.listRepositories}. */
export interface ListRepositoriesOptions {
  /**
   * Only repositories whose name within the binding's namespace starts with this: the routable
   * name without the binding's own prefix or namespace (`acme-`, `{project}/{garRepository}/`,
   * `{repositoryPrefix}/`, `{bindingName}/`), which is never part of the match. That name is the
   * logical name given to `createRepository` whenever the platform accepted it as given (the
   * naming rules keep a valid name unchanged), so for those the match is on the logical name. A
   * logical name the platform did not accept (upper case, other characters, too long) was
   * adapted and hashed and cannot be recovered: it matches in its adapted form (lowercase,
   * refused characters as `-`). `''` or absent: every repository.
   */
  prefix?: string
  /** Cancels the listing; the promise rejects with the signal's reason. */
  signal?: AbortSignal
}

/**
 * The contract every provider implements. Every method throws {@link ArtifactRegistryError}.
 */
export interface ArtifactRegistry extends AsyncDisposable {
  /** Stable id used in errors and logs: `"aws" | "gcp" | "azure" | "local"` or a third-party id. */
  readonly platform: string
  /** What this provider supports; `@artifact-registry/testing` gates groups on it. */
  readonly capabilities: Readonly<Capabilities>
  /**
   * Raw endpoint: a scheme and the `registry` of the credentials this provider mints, nothing
   * more (no path, no trailing `/`), e.g. `https://123.dkr.ecr.us-east-1.amazonaws.com`.
   */
  readonly registryEndpoint: string
  /** Create the repository for a logical name; idempotent (an existing one is returned). */
  createRepository(name: string): Promise<RepositoryResponse>
  /** Look up a repository by its routable name. */
  getRepository(name: string): Promise<RepositoryResponse>
  /**
   * List this binding's repositories (only those under its prefix or namespace), sorted by routable
   * name, following the platform's pagination to the end. Optional: present exactly when
   * `capabilities.listRepositories` is `true`.
   */
  listRepositories?(options?: ListRepositoriesOptions): Promise<RepositoryResponse[]>
  /** Delete a repository and its content; deleting a missing repository succeeds. */
  deleteRepository(name: string): Promise<void>
  /** Mint credentials for one repository and one permission level, expiring at the (clamped) TTL. */
  generateCredentials(
    name: string,
    permission: Permission,
    options?: GenerateCredentialsOptions,
  ): Promise<ArtifactRegistryCredentials>
  /** Merge the given grants into the repository's grants. */
  addCrossAccountAccess(name: string, access: CrossAccountAccess): Promise<void>
  /** Remove exactly the given grants; others stay. */
  removeCrossAccountAccess(name: string, access: CrossAccountAccess): Promise<void>
  /** Read the grants this library manages on the repository. */
  getCrossAccountAccess(name: string): Promise<CrossAccountPermissions>
  /** Release clients and servers; also called by `await using`. */
  close(): Promise<void>
}
