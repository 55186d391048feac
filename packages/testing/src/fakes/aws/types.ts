import type { FakeServer, InjectedAnswer } from '../fake-server.js'
import type { FaultKind, FaultOptions } from '../faults.js'
import type { ForeignCredentials, ForeignIdentityRequest } from './foreign-identities.js'

/** Options of {@link startAwsFake}. */
export interface AwsFakeOptions {
  /** Account that owns the fake registry; also what `GetCallerIdentity` answers. @default "123456789012" */
  accountId?: string
  /** Lifetime of ECR authorization tokens, in seconds (the real service: 12 hours). @default 43200 */
  tokenLifetimeSeconds?: number
  /**
   * How long after an image is pushed to a repository its replicas appear in the destination
   * regions of a matching replication rule, in milliseconds. As in ECR, creating a repository
   * creates no replica: the first push does. `null`: replicas never appear by themselves (to
   * test a bounded wait). @default 0
   */
  replicaDelayMs?: number | null
  /**
   * Per-role settings for `AssumeRole`. Every role here also exists as a principal for
   * `SetRepositoryPolicy`. Roles not listed can be assumed too, with IAM's default
   * `MaxSessionDuration` of one hour; a role created through the fake's IAM only by a caller its
   * trust policy names, for up to its own `MaxSessionDuration`.
   */
  roles?: Readonly<Record<string, FakeRoleOptions>>
  /**
   * IAM roles and users (ARNs) that exist, so `SetRepositoryPolicy` accepts them as principals.
   * Any other role or user ARN is refused with `InvalidParameterException` "Principal not found",
   * as ECR refuses a role that was deleted or never created; account roots and service
   * principals always exist. See also {@link AwsFake.seedPrincipal}.
   */
  principals?: readonly string[]
  /**
   * Evaluate the inline session policy of assumed-role credentials on every ECR call made with
   * them (`Allow` and `Deny`, `Action`/`NotAction` and `Resource`/`NotResource` with `*` and `?`
   * wildcards), answering `AccessDeniedException` otherwise.
   * @default true
   */
  enforceSessionPolicies?: boolean
  /**
   * The base identity's IAM policies (the identity of {@link AwsFake.providerOptions}' static
   * credentials), as JSON policy documents. When given, every ECR and STS call it signs (but
   * `GetCallerIdentity`, which IAM never refuses), and every registry request with a token it
   * got, needs an `Allow` here for the action on the resource (`Allow`/`Deny`, `Action` and
   * `Resource` with `*` and `?` wildcards): ECR actions on the repository ARN (`*` for
   * `GetAuthorizationToken`, `DescribeRegistry`, `PutReplicationConfiguration`), `sts:AssumeRole`
   * on the role ARN, and, when `PutReplicationConfiguration` first sets rules in the account,
   * `iam:CreateServiceLinkedRole` on ECR's replication service-linked role. @default not limited
   */
  basePolicies?: readonly string[]
  /**
   * Managed policies that exist in IAM (ARN → JSON document): the only ones a role created
   * through the fake's IAM may take as its permissions boundary (any other ARN is `NoSuchEntity`).
   * A boundary limits the role's sessions as IAM does. @default none
   */
  managedPolicies?: Readonly<Record<string, string>>
  /**
   * The most items one page of an IAM list action (`ListRoles`, `ListRolePolicies`,
   * `ListAttachedRolePolicies`) holds. IAM documents that it may return fewer than `MaxItems`
   * with `IsTruncated`, so a caller must follow `Marker`: a small limit checks that it does.
   * @default MaxItems (100 unless the caller sends one)
   */
  iamPageLimit?: number
  /**
   * The most repositories one page of `DescribeRepositories` holds. ECR documents that a caller
   * continues a listing with each answer's `nextToken` until there is none, so a small limit
   * (below the `maxResults` asked for, or ECR's default of 100) checks that a caller reads every
   * page. @default `maxResults` (100 unless the caller sends one)
   */
  ecrPageLimit?: number
}

/** Settings of one role the fake lets callers assume. */
export interface FakeRoleOptions {
  /**
   * The role's `MaxSessionDuration` (IAM allows 3600 to 43200): longer `DurationSeconds` are
   * refused with `ValidationError`. @default 3600
   */
  maxSessionDurationSeconds?: number
  /**
   * The role's own IAM policies (inline and attached), as JSON policy documents, evaluated as
   * {@link AwsFakeOptions.basePolicies} are on every call and registry request its sessions make,
   * together with (intersected with) the session policy. @default not limited
   */
  policies?: readonly string[]
}

/** A role created through the fake's IAM, as {@link AwsFake.getRole} shows it. */
export interface FakeRole {
  readonly roleName: string
  readonly arn: string
  readonly path: string
  /** The trust policy as last set (JSON text, not URL-encoded). */
  readonly assumeRolePolicyDocument: string
  readonly maxSessionDuration: number
  readonly permissionsBoundaryArn: string | undefined
  readonly tags: Readonly<Record<string, string>>
  /** Inline policies (JSON text) by name. */
  readonly inlinePolicies: Readonly<Record<string, string>>
  /** ARNs of the attached managed policies. */
  readonly attachedPolicies: readonly string[]
}

/** Options of {@link AwsFake.seedPrincipal}. */
export interface SeedPrincipalOptions {
  /**
   * Seconds (of the fake's clock) until other services see the principal, as IAM's eventual
   * consistency delays a role created moments ago. @default 0
   */
  appearsAfterSeconds?: number
}

/** Where the fake's ECR registry listens: what a registry client (docker, skopeo) talks to. */
export interface AwsFakeDataPlane {
  /** `127.0.0.1:<port>`: the host that credentials from `GetAuthorizationToken` name. */
  readonly registry: string
  /** Always `false`: the registry speaks plain HTTP on the loopback address. */
  readonly tls: boolean
}

/** A repository as the fake stores it (the shape ECR returns, timestamps as `Date`). */
export interface FakeRepository {
  readonly repositoryName: string
  readonly repositoryArn: string
  readonly registryId: string
  readonly repositoryUri: string
  readonly createdAt: Date
  readonly region: string
}

/** A replication rule as stored by `PutReplicationConfiguration`. */
export interface FakeReplicationRule {
  destinations: { region: string; registryId: string }[]
  repositoryFilters?: { filter: string; filterType: string }[]
}

/** One successful `AssumeRole` call, with the session policy it carried. */
export interface AssumeRoleRecord {
  readonly roleArn: string
  readonly roleSessionName: string
  readonly durationSeconds: number
  /** The inline session policy as sent (a JSON string), or `undefined` when none was sent. */
  readonly policy: string | undefined
  /** Access key id of the issued session credentials (`ASIA…`). */
  readonly accessKeyId: string
  readonly expiration: Date
}

/** One `GetAuthorizationToken` answer. */
export interface AuthorizationTokenRecord {
  /** Access key id that signed the request (`ASIA…` for assumed-role sessions). */
  readonly accessKeyId: string
  /** The role whose session signed it, when it was an assumed-role session. */
  readonly roleArn: string | undefined
  readonly region: string
  readonly password: string
  readonly expiresAt: Date
}

/**
 * The named faults the AWS fake injects, in the protocol of the operation (ECR's JSON, STS's
 * XML). ECR and STS have no optimistic concurrency, so no `conflict`.
 */
export type AwsFaultKind = Exclude<FaultKind, 'conflict'>

/** A running AWS fake: the base {@link FakeServer} plus ECR/STS/IAM state and helpers. */
export interface AwsFake extends FakeServer {
  /** Account id of the fake registry. */
  readonly accountId: string
  /**
   * Options of `aws()` (from `@artifact-registry/provider-aws`) that point the provider at this
   * fake and nowhere else: the region, the ECR and STS endpoints, the registry (data plane),
   * static credentials (so the SDK never probes instance metadata) and one attempt per call. Spread it last:
   * `aws({ repositoryPrefix: 'acme', ...fake.providerOptions('us-east-1') })`.
   * @param region Home region of the provider. @default "us-east-1"
   */
  providerOptions(region?: string): AwsFakeProviderOptions
  /**
   * Options of one SDK client (`new ECRClient(...)`, `new STSClient(...)`) that reaches this fake:
   * endpoint, region, static credentials, one attempt. For `aws()`, use {@link providerOptions}:
   * this shape has no STS endpoint.
   */
  clientConfig(region?: string): AwsFakeClientConfig
  /**
   * Create a repository directly (as another tool would), without replication; one that exists
   * is returned as it is.
   * @throws TypeError for a name ECR refuses.
   */
  seedRepository(region: string, name: string): FakeRepository
  /**
   * Set or (with `undefined`) delete a repository policy directly, e.g. to seed foreign
   * statements. The text is stored as given, valid or not.
   * @throws TypeError when the repository does not exist.
   */
  seedPolicy(region: string, name: string, policyText: string | undefined): void
  /** Replace the registry's replication rules in a region directly. */
  seedReplicationRules(region: string, rules: FakeReplicationRule[]): void
  /** A stored repository, or `undefined`. */
  getRepository(region: string, name: string): FakeRepository | undefined
  /** Names of the repositories of a region. */
  getRepositoryNames(region: string): string[]
  /** The repository policy text, or `undefined` when there is none. */
  getPolicy(region: string, name: string): string | undefined
  /** The registry's replication rules in a region. */
  getReplicationRules(region: string): FakeReplicationRule[]
  /** Successful `AssumeRole` calls, oldest first (`reset()` clears it; sessions stay valid). */
  readonly assumedRoles: readonly AssumeRoleRecord[]
  /** Authorization tokens issued, oldest first (`reset()` clears it). */
  readonly authorizationTokens: readonly AuthorizationTokenRecord[]
  /**
   * The ECR registry (data plane), the `proxyEndpoint` of every authorization token
   * (`http://127.0.0.1:<port>`), one for all regions: repositories of the same name in two regions
   * share their images, as replicas do once ECR has replicated them. A request there needs Basic
   * `AWS:<password>` of a live token whose STS session has not ended either; the session policy
   * must allow, on the ARN of the repository in the token's region, the ECR action of the request (a manifest read `ecr:BatchGetImage`, a
   * layer read `ecr:GetDownloadUrlForLayer`, a layer check `ecr:BatchCheckLayerAvailability`, the
   * upload `ecr:InitiateLayerUpload` / `ecr:UploadLayerPart` / `ecr:CompleteLayerUpload`, a
   * manifest write `ecr:PutImage`, a manifest delete `ecr:BatchDeleteImage`, a tag list
   * `ecr:ListImages`), as must the identity's own policies when seeded (`basePolicies`, a role's
   * `policies`), and no `Deny` of the repository's policy may name the caller: otherwise 403
   * `DENIED`; then the repository must exist, or 404 `NAME_UNKNOWN`. Identities of other accounts
   * get in through repository policies alone (see {@link foreignCredentials}). `DeleteRepository` deletes its images
   * (without `force`, a repository holding any is `RepositoryNotEmptyException`), unless a
   * repository of that name remains in another region.
   */
  readonly dataPlane: AwsFakeDataPlane
  /** The fake's time in milliseconds since the epoch: the wall clock plus every `advanceClock`. */
  now(): number
  /**
   * Move the fake's time forward for everything that expires in it: STS sessions, authorization
   * tokens and the data plane's checks.
   * @throws TypeError for a negative or non-finite number.
   */
  advanceClock(seconds: number): void
  /**
   * Make an IAM role or user exist for `SetRepositoryPolicy`, optionally only after a delay.
   * @throws TypeError for an ARN that is not an IAM role or user ARN.
   */
  seedPrincipal(arn: string, options?: SeedPrincipalOptions): void
  /**
   * Credentials of an identity of another account: an IAM user of `accountId`, or an hour's
   * session of `roleArn` (a role of that account, which exists from then on; see
   * {@link seedPrincipal}), whose tokens stop working when it ends. Give
   * them to an ECR client of {@link clientConfig} in place of its own: the fake answers that
   * identity's `GetAuthorizationToken` (its own account's ECR) and refuses its every other call,
   * since it models one account. Its token opens the registry ({@link dataPlane}) only where a
   * repository's policy, as it reads at that request, allows the identity every ECR action of
   * the request, by its account id or root, its role's ARN or `*`; a `Deny` naming it wins, an
   * `Allow` with a `Condition` never applies. This is what a cross-account grant is for: the
   * grantee pulls, and stops pulling once the grant is removed.
   * @throws TypeError for an account id that is not 12 digits or is the fake's own, or a role
   *   ARN of another account.
   */
  foreignCredentials(identity: ForeignIdentityRequest): ForeignCredentials
  /**
   * Registry credentials with which the Lambda service pulls the image of `functionArn`
   * (`arn:aws:lambda:<region>:<account>:function:<name>`, of another account), as it does when
   * that function is created or updated by `creator` (an IAM user of the function's account by
   * default, or a session of `creator.roleArn`, as {@link foreignCredentials} makes them). Lambda
   * takes images only from a repository of the function's region, and each request needs the
   * repository's policy, there, to allow its ECR actions both to the creator (its account, its
   * role or `*`) and to the service principal `lambda.amazonaws.com` with the function's ARN as
   * `aws:SourceArn` and its account as `aws:SourceAccount`: `StringEquals`, `StringLike`,
   * `ArnEquals` and `ArnLike` conditions on those keys are evaluated, any other condition leaves an
   * `Allow` out.
   * @throws TypeError for a function ARN of another form, or of the fake's own account.
   */
  lambdaPullCredentials(
    functionArn: string,
    creator?: { readonly roleArn?: string },
  ): { readonly registry: string; readonly username: string; readonly password: string }
  /** A role created through the fake's IAM (`CreateRole`), by name in any case, or `undefined`. */
  getRole(name: string): FakeRole | undefined
  /** Names of the roles created through the fake's IAM and not deleted, oldest first. */
  getRoleNames(): string[]
  /**
   * Answer the next `options.times` requests of `operation` (an ECR or STS action, e.g.
   * `CreateRepository`, `AssumeRole`) with a named fault in that service's error shape, or with
   * a response of your own; or run `{ before }` first.
   * @throws TypeError for a fault name the fake does not know.
   */
  inject(operation: string, fault: AwsFaultKind | InjectedAnswer, options?: FaultOptions): void
  /** The region a recorded request was signed for (from its SigV4 credential scope). */
  regionOf(request: {
    readonly headers: Readonly<Record<string, string | string[] | undefined>>
  }): string
}

/** What {@link AwsFake.providerOptions} returns: the `aws()` options that reach the fake. */
export interface AwsFakeProviderOptions {
  region: string
  /** The fake's registry (`http://127.0.0.1:<port>`), where the credentials work. */
  registryEndpoint: string
  clientConfig: {
    /** ECR, every region. */
    endpoint: string
    /** STS: without it the SDK would send `AssumeRole` to the real AWS. */
    stsEndpoint: string
    credentials: { accessKeyId: string; secretAccessKey: string }
    maxAttempts: number
  }
}

/** What {@link AwsFake.clientConfig} returns: spread it into `new ECRClient(...)` / `new STSClient(...)`. */
export interface AwsFakeClientConfig {
  endpoint: string
  region: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  maxAttempts: number
}
