import type { FakeServer, InjectedAnswer } from '../fake-server.js'
import type { FaultKind, FaultOptions } from '../faults.js'

/** Options of {@link startAwsFake}. */
export interface AwsFakeOptions {
  /** Account that owns the fake registry; also what `GetCallerIdentity` answers. @default "123456789012" */
  accountId?: string
  /** Lifetime of ECR authorization tokens, in seconds (the real service: 12 hours). @default 43200 */
  tokenLifetimeSeconds?: number
  /**
   * How long after a repository is created its replicas appear in the destination regions of a
   * matching replication rule, in milliseconds. `null`: replicas never appear by themselves (to
   * test a bounded wait). @default 0
   */
  replicaDelayMs?: number | null
  /** Per-role settings for `AssumeRole`; roles not listed allow sessions of up to 12 hours. */
  roles?: Readonly<Record<string, FakeRoleOptions>>
  /**
   * Evaluate the inline session policy of assumed-role credentials on every ECR call made with
   * them (Allow statements only, `*` wildcards), answering `AccessDeniedException` otherwise.
   * @default true
   */
  enforceSessionPolicies?: boolean
}

/** Settings of one role the fake lets callers assume. */
export interface FakeRoleOptions {
  /** The role's `MaxSessionDuration`: longer `DurationSeconds` are refused with `ValidationError`. */
  maxSessionDurationSeconds?: number
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

/** A running AWS fake: the base {@link FakeServer} plus ECR/STS state and helpers. */
export interface AwsFake extends FakeServer {
  /** Account id of the fake registry. */
  readonly accountId: string
  /**
   * Options of `aws()` (from `@artifact-registry/provider-aws`) that point the provider at this
   * fake and nowhere else: the region, the ECR and STS endpoints, static credentials (so the SDK
   * never probes instance metadata) and one attempt per call. Spread it last:
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
