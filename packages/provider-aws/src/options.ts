import {
  type ArtifactRegistryError,
  type ConfigIssue,
  isValidPlatformName,
  type KnownOptions,
  MIN_ADAPTED_NAME_LENGTH,
  unknownOptionIssues,
} from '@artifact-registry/core'
import type { ECRClientConfig } from '@aws-sdk/client-ecr'
import {
  type Partition,
  partitionOf,
  REGION_PATTERN,
  ROLE_ARN_PATTERN,
  ROLE_ARN_SHAPE,
} from './arn.js'
import { platformError } from './map-error.js'
import { routableNameBudget } from './name-budget.js'

/** SDK client settings shared by every ECR and STS client the provider creates. */
export interface AwsClientConfig {
  /** ECR endpoint for every region (tests, VPC endpoints). Default: the SDK's (or `AWS_ENDPOINT_URL_ECR`). */
  endpoint?: string
  /** STS endpoint. Default: the SDK's regional endpoint (or `AWS_ENDPOINT_URL_STS`). */
  stsEndpoint?: string
  /**
   * Credentials of the base identity (what creates repositories and assumes the roles).
   * Default: the SDK's default provider chain. Tests should always pass static credentials so
   * the SDK never probes instance metadata.
   */
  credentials?: ECRClientConfig['credentials']
  /** Attempts per SDK call, retries included. @default 3 (the SDK's default) */
  maxAttempts?: number
  /** The SDK retry mode. @default "standard" */
  retryMode?: 'standard' | 'adaptive'
  /**
   * How long each attempt of an SDK call may take to connect, to get its answer's headers, and
   * may go silent while its answer's body arrives, in ms; then it fails with `TIMEOUT` (and is
   * retried as `maxAttempts` says). Without it, a call to an endpoint that never answers would
   * never return, and every later grant change of that repository in this process would wait
   * behind it. @default 60000
   */
  requestTimeoutMs?: number
}

/** @internal The default of {@link AwsClientConfig.requestTimeoutMs}. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000

/**
 * Bounds of a wait for a replica repository to exist before its policy is changed.
 * @deprecated Not used: `addCrossAccountAccess` creates a missing replica instead of waiting for
 *   ECR's replication to make one. Still validated, so configurations that set it keep working.
 */
export interface ReplicaWaitOptions {
  /** Give up with `TIMEOUT` after this long. @default 300000 (5 minutes) */
  timeoutMs?: number
  /** Time between two `DescribeRepositories` checks. @default 5000 */
  intervalMs?: number
}

/** How `add…`/`removeCrossAccountAccess` retry a principal that IAM does not show ECR yet. */
export interface PrincipalRetryOptions {
  /**
   * The waits, in milliseconds, before each new attempt after ECR answered "Principal not found";
   * their sum is the longest a change waits for a new role. @default [1000, 2000, 4000, 8000, 15000]
   * (five retries, 30 s in all)
   */
  delaysMs?: readonly number[]
}

/** The default retry schedule of a "Principal not found" answer: 30 s in all. */
export const DEFAULT_PRINCIPAL_RETRY_DELAYS_MS: readonly number[] = [1000, 2000, 4000, 8000, 15000]

/** Options of {@link aws}. */
export interface AwsProviderOptions {
  /** Home region of the repositories, e.g. `us-east-1`. **Required.** */
  region: string
  /** Routable names are `{repositoryPrefix}-{name}`. **Required.** */
  repositoryPrefix: string
  /** Account that owns the registry. Default: the base identity's account (`sts:GetCallerIdentity`). */
  accountId?: string
  /** Role assumed for `pull` credentials (the push role is used when only it is set). */
  pullRoleArn?: string
  /** Role assumed for `push-pull` credentials. */
  pushRoleArn?: string
  /** Regions that hold replicas of the prefix's repositories (a replication rule is merged in). */
  replicationRegions?: string[]
  /**
   * Without a role for a permission, mint registry-wide credentials from the base identity
   * instead of refusing with `INVALID_CONFIG`. Such credentials reach every repository the
   * identity can reach. @default false
   */
  allowUnscopedCredentials?: boolean
  /**
   * The registry URL clients log in to, when it is not the account's regional ECR registry
   * (`https://{account}.dkr.ecr.{region}.amazonaws.com`): a dual-stack or FIPS registry host, or
   * a test registry. `registryEndpoint` and every credential's `registry` name it.
   */
  registryEndpoint?: string
  /** SDK client settings (endpoint, credentials, retries). */
  clientConfig?: AwsClientConfig
  /**
   * @deprecated Not used: `addCrossAccountAccess` creates a missing replica instead of waiting
   *   for one. Still validated, so configurations that set it keep working.
   */
  replicaWait?: ReplicaWaitOptions
  /** Retries of a grant whose principal IAM does not show ECR yet (a role created moments ago). */
  principalRetry?: PrincipalRetryOptions
}

/** @internal Options after validation, with defaults applied. */
export interface ResolvedOptions {
  readonly region: string
  readonly partition: Partition
  readonly prefix: string
  readonly accountId: string | undefined
  readonly pullRoleArn: string | undefined
  readonly pushRoleArn: string | undefined
  readonly replicationRegions: readonly string[]
  readonly allowUnscopedCredentials: boolean
  readonly registryEndpoint: string | undefined
  readonly clientConfig: AwsClientConfig
  readonly replicaWait: Required<ReplicaWaitOptions>
  readonly principalRetryDelaysMs: readonly number[]
}

/**
 * @internal Validate options, reporting every invalid field by path.
 * @throws ArtifactRegistryError `INVALID_CONFIG` with `issues`.
 */
export function resolveOptions(options: AwsProviderOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw configError([{ path: '', message: 'options must be an object' }])
  }
  const issues = [
    ...optionIssues(options),
    ...unknownOptionIssues(options, KNOWN_OPTIONS, 'aws()'),
    ...nestedUnknownIssues(options),
  ]
  if (issues.length > 0) throw configError(issues)
  return {
    region: options.region,
    partition: partitionOf(options.region),
    prefix: options.repositoryPrefix,
    accountId: options.accountId,
    pullRoleArn: options.pullRoleArn,
    pushRoleArn: options.pushRoleArn,
    replicationRegions: [...new Set(options.replicationRegions ?? [])],
    allowUnscopedCredentials: options.allowUnscopedCredentials ?? false,
    registryEndpoint: options.registryEndpoint?.replace(/\/+$/, ''),
    clientConfig: options.clientConfig ?? {},
    replicaWait: {
      timeoutMs: options.replicaWait?.timeoutMs ?? 300_000,
      intervalMs: options.replicaWait?.intervalMs ?? 5_000,
    },
    principalRetryDelaysMs: [
      ...(options.principalRetry?.delaysMs ?? DEFAULT_PRINCIPAL_RETRY_DELAYS_MS),
    ],
  }
}

// --- Internal ---

/**
 * Every option `aws()` reads: a misspelt one (`replicationRegion`) is refused, never ignored, or
 * grants and their revocations would silently skip the replica regions. The compiler checks the
 * list against {@link AwsProviderOptions}, so an added option cannot be left out.
 */
const KNOWN_OPTIONS = {
  region: true,
  repositoryPrefix: true,
  accountId: true,
  pullRoleArn: true,
  pushRoleArn: true,
  replicationRegions: true,
  allowUnscopedCredentials: true,
  registryEndpoint: true,
  clientConfig: true,
  replicaWait: true,
  principalRetry: true,
} as const satisfies KnownOptions<AwsProviderOptions>

/**
 * @internal Every setting of {@link AwsClientConfig}: a misspelt `credentials` would sign calls with
 * whatever identity the SDK's default chain finds, a misspelt `endpoint` send them to AWS.
 */
export const KNOWN_CLIENT_CONFIG: KnownOptions<AwsClientConfig> = {
  endpoint: true,
  stsEndpoint: true,
  credentials: true,
  maxAttempts: true,
  retryMode: true,
  requestTimeoutMs: true,
}

const KNOWN_REPLICA_WAIT = {
  timeoutMs: true,
  intervalMs: true,
} as const satisfies KnownOptions<ReplicaWaitOptions>
const KNOWN_PRINCIPAL_RETRY = {
  delaysMs: true,
} as const satisfies KnownOptions<PrincipalRetryOptions>

/** Unknown fields of the options that are objects of ours (not the SDK's). */
function nestedUnknownIssues(o: AwsProviderOptions): ConfigIssue[] {
  return [
    ...unknownOptionIssues(
      o.clientConfig ?? {},
      KNOWN_CLIENT_CONFIG,
      'clientConfig',
      'clientConfig',
    ),
    ...unknownOptionIssues(o.replicaWait ?? {}, KNOWN_REPLICA_WAIT, 'replicaWait', 'replicaWait'),
    ...unknownOptionIssues(
      o.principalRetry ?? {},
      KNOWN_PRINCIPAL_RETRY,
      'principalRetry',
      'principalRetry',
    ),
  ]
}

/**
 * The longest `repositoryPrefix` that leaves room for any adapted name: the whole routable name
 * stays within ECR's 256 characters and, with the registry host before it (the home region's and
 * each valid replica region's), within Docker's 255 for an image name (a `us-east-1` host leaves
 * 182). A longer prefix passed here and then failed every `createRepository` of a long or adapted
 * name.
 */
function maxPrefixLength(o: AwsProviderOptions, regionOk: boolean): number {
  const endpoint = typeof o.registryEndpoint === 'string' ? o.registryEndpoint : undefined
  const replicas = Array.isArray(o.replicationRegions)
    ? o.replicationRegions.filter(
        (r): r is string => typeof r === 'string' && REGION_PATTERN.test(r),
      )
    : []
  const regions = regionOk ? [o.region, ...replicas] : replicas
  // The account id is always 12 digits, so a placeholder gives each host's length.
  return routableNameBudget('000000000000', regions, endpoint) - 1 - MIN_ADAPTED_NAME_LENGTH
}

/** @internal Every invalid field of runtime options (provisioning checks its shared fields with it). */
export function optionIssues(o: AwsProviderOptions): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  const add = (path: string, message: string): number => issues.push({ path, message })
  const regionOk = typeof o.region === 'string' && REGION_PATTERN.test(o.region)
  if (!regionOk) add('region', 'must be an AWS region such as us-east-1')
  const prefix = o.repositoryPrefix
  const maxPrefix = maxPrefixLength(o, regionOk)
  if (
    typeof prefix !== 'string' ||
    prefix.length > maxPrefix ||
    !isValidPlatformName('ecr', `${prefix}-x`)
  ) {
    add(
      'repositoryPrefix',
      `must be a non-empty ECR name prefix (lowercase, no spaces) of at most ${maxPrefix} characters`,
    )
  }
  // Only a boolean: "false" read from an environment variable is truthy, and would turn on
  // registry-wide credentials of the base identity for a binding that meant to refuse them.
  const unscoped = o.allowUnscopedCredentials
  if (unscoped !== undefined && typeof unscoped !== 'boolean') {
    add('allowUnscopedCredentials', 'must be true or false')
  }
  if (o.accountId !== undefined && !/^\d{12}$/.test(String(o.accountId))) {
    add('accountId', 'must be a 12-digit AWS account id')
  }
  const partition = regionOk ? partitionOf(o.region).id : undefined
  for (const field of ['pullRoleArn', 'pushRoleArn'] as const) {
    const arn = o[field]
    if (arn === undefined) continue
    const match = ROLE_ARN_PATTERN.exec(String(arn))
    if (match === null) add(field, `must be an IAM role ARN (${ROLE_ARN_SHAPE})`)
    else if (partition !== undefined && match[1] !== partition) {
      add(field, `must be in partition ${partition}, the partition of ${o.region}`)
    }
  }
  replicationIssues(o, partition, add)
  waitIssues(o.replicaWait, add)
  if (o.registryEndpoint !== undefined && !isRegistryUrl(o.registryEndpoint)) {
    add('registryEndpoint', 'must be an http(s) URL of a host, e.g. https://registry.example.com')
  }
  principalRetryIssues(o.principalRetry, add)
  clientConfigIssues(o.clientConfig, add)
  return issues
}

/** The longest delay a Node timer takes; a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647

/** @internal Every invalid field of the SDK client settings (provisioning's too). */
export function clientConfigIssues(
  config: AwsClientConfig | undefined,
  add: (path: string, message: string) => void,
): void {
  const timeout = config?.requestTimeoutMs
  if (timeout === undefined) return
  if (!(Number.isSafeInteger(timeout) && timeout > 0 && timeout <= MAX_TIMER_MS)) {
    add(
      'clientConfig.requestTimeoutMs',
      `must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}`,
    )
  }
}

function isRegistryUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false
  try {
    const url = new URL(value)
    const bare = url.pathname.replace(/\/+$/, '') === '' && url.search === '' && url.hash === ''
    return (url.protocol === 'https:' || url.protocol === 'http:') && bare && url.username === ''
  } catch {
    return false
  }
}

/**
 * Whether a nested option is left out or an object; one that is neither (`replicaWait: 5000`,
 * `null`) is an issue, not its defaults.
 */
function objectOrAbsent(
  value: unknown,
  path: string,
  add: (path: string, message: string) => void,
): boolean {
  if (value === undefined) return true
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return true
  add(path, 'must be an object')
  return false
}

function principalRetryIssues(
  retry: PrincipalRetryOptions | undefined,
  add: (path: string, message: string) => void,
): void {
  if (!objectOrAbsent(retry, 'principalRetry', add)) return
  const delays = retry?.delaysMs
  if (delays === undefined) return
  if (!Array.isArray(delays)) {
    add('principalRetry.delaysMs', 'must be an array of milliseconds')
    return
  }
  delays.forEach((delay, i) => {
    // Beyond a timer's limit the wait would end at once, not after the delay asked for.
    if (!(typeof delay === 'number' && delay >= 0 && delay <= MAX_TIMER_MS)) {
      add(
        `principalRetry.delaysMs.${i}`,
        `must be a number of milliseconds from 0 to ${MAX_TIMER_MS}`,
      )
    }
  })
}

function replicationIssues(
  o: AwsProviderOptions,
  partition: string | undefined,
  add: (path: string, message: string) => void,
): void {
  if (o.replicationRegions === undefined) return
  if (!Array.isArray(o.replicationRegions)) {
    add('replicationRegions', 'must be an array of regions')
    return
  }
  o.replicationRegions.forEach((region, i) => {
    if (typeof region !== 'string' || !REGION_PATTERN.test(region)) {
      add(`replicationRegions.${i}`, 'must be an AWS region such as eu-west-1')
    } else if (region === o.region) {
      add(`replicationRegions.${i}`, 'must differ from the home region')
    } else if (partition !== undefined && partitionOf(region).id !== partition) {
      add(`replicationRegions.${i}`, `must be in partition ${partition}, like the home region`)
    }
  })
}

function waitIssues(
  wait: ReplicaWaitOptions | undefined,
  add: (path: string, message: string) => void,
): void {
  if (!objectOrAbsent(wait, 'replicaWait', add)) return
  const interval = wait?.intervalMs
  // Beyond a timer's limit a sleep ends at once: the check would run back to back until timeoutMs.
  if (
    interval !== undefined &&
    !(typeof interval === 'number' && interval >= 0 && interval <= MAX_TIMER_MS)
  ) {
    add('replicaWait.intervalMs', `must be a number of milliseconds from 0 to ${MAX_TIMER_MS}`)
  }
  const timeout = wait?.timeoutMs
  if (
    timeout !== undefined &&
    !(typeof timeout === 'number' && timeout >= 0 && Number.isFinite(timeout))
  ) {
    add('replicaWait.timeoutMs', 'must be a non-negative number of milliseconds')
  }
}

/** @internal `INVALID_CONFIG` listing every issue, by path. */
export function configError(issues: ConfigIssue[]): ArtifactRegistryError {
  const list = issues.map((i) => `${i.path || '(options)'}: ${i.message}`).join('; ')
  return platformError('INVALID_CONFIG', `Invalid options: ${list}`, { issues })
}
