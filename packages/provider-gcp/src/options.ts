import { type ConfigIssue, type KnownOptions, unknownOptionIssues } from '@artifact-registry/core'
import type { ArtifactRegistryClient } from '@google-cloud/artifact-registry'
import type { AuthClient } from 'google-auth-library'
import { platformError } from './map-error.js'
import type { GarRepositoryRef } from './naming.js'

/** Options of the Artifact Registry SDK client, as `new ArtifactRegistryClient(options)` takes them. */
export type GarClientOptions = NonNullable<ConstructorParameters<typeof ArtifactRegistryClient>[0]>

/** An Artifact Registry SDK client, or a function that creates one on first use. */
export type GarClientSource =
  | ArtifactRegistryClient
  | (() => ArtifactRegistryClient | Promise<ArtifactRegistryClient>)

/** How cross-account grants retry IAM's read-modify-write when a concurrent writer wins. */
export interface PolicyRetryOptions {
  /** Read-modify-write attempts before giving up with `CONFLICT` (1–10). @default 5 */
  attempts?: number
  /** Delay before the second attempt, doubled each time, with jitter (0–60000 ms). @default 200 */
  baseDelayMs?: number
}

/**
 * Options of {@link gcp}.
 *
 * @example
 * ```ts
 * const registry = await gcp({
 *   projectId: 'acme-prod',
 *   location: 'us-central1',
 *   repository: 'images',
 *   pullServiceAccount: 'puller@acme-prod.iam.gserviceaccount.com',
 *   pushServiceAccount: 'pusher@acme-prod.iam.gserviceaccount.com',
 * })
 * ```
 */
export interface GcpProviderOptions {
  /** Project id (not number) of the GAR repository. */
  projectId: string
  /** GAR location, e.g. `us-central1` or `europe`. */
  location: string
  /** Short id of the GAR repository (Docker format) that holds the image paths. */
  repository: string
  /** Service account impersonated for `pull` credentials; give it only `roles/artifactregistry.reader`. */
  pullServiceAccount?: string
  /**
   * Service account impersonated for `push-pull` credentials; give it
   * `roles/artifactregistry.repoAdmin` (push-pull deletes too, which the writer role cannot).
   * It must not be the pull account, which would then hold the push roles too.
   */
  pushServiceAccount?: string
  /**
   * Identity that calls Artifact Registry and impersonates the service accounts.
   * @default Application Default Credentials
   */
  authClient?: AuthClient
  /**
   * Options of the Artifact Registry client (`apiEndpoint`, `port`, `protocol`, …). The REST
   * transport is the default (`fallback: true`).
   */
  clientOptions?: GarClientOptions
  /** A ready Artifact Registry client (or a factory); the provider does not close it. */
  client?: GarClientSource
  /** Base URL of the IAM Credentials API. @default "https://iamcredentials.googleapis.com" */
  iamCredentialsEndpoint?: string
  /**
   * Base URL of the Docker registry (scheme and host, no path), for a registry reached under
   * another name, such as a test fake's. Credentials' `registry` and repository URIs use its
   * host; names are still fitted to the real host's length limit.
   * @default "https://{location}-docker.pkg.dev"
   */
  registryEndpoint?: string
  /** Retries of IAM policy updates on a stale etag. */
  policyRetry?: PolicyRetryOptions
}

/** @internal Options after validation, with defaults applied. */
export interface ResolvedOptions {
  readonly ref: GarRepositoryRef
  readonly pullServiceAccount: string | undefined
  readonly pushServiceAccount: string | undefined
  readonly iamCredentialsEndpoint: string
  /** Where credentials are used: `{location}-docker.pkg.dev` unless the option says otherwise. */
  readonly registryEndpoint: string
  readonly policyRetry: Required<PolicyRetryOptions>
}

/** The public IAM Credentials API, where impersonated tokens are minted. */
export const DEFAULT_IAM_CREDENTIALS_ENDPOINT = 'https://iamcredentials.googleapis.com'

/** @internal A bare email address, as IAM members and service accounts use. */
export const EMAIL: RegExp = /^[^@\s:]+@[^@\s:]+\.[a-z]{2,}$/i

const PATTERNS: Readonly<Record<'projectId' | 'location' | 'repository', [RegExp, string]>> = {
  projectId: [
    /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    'must be a GCP project id (6-30 lowercase characters)',
  ],
  location: [/^[a-z]+(-[a-z]+\d*)*$/, 'must be a GAR location such as us-central1'],
  repository: [
    /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'must be a GAR repository id (lowercase, at most 63)',
  ],
}

/**
 * Every option `gcp()` reads: a misspelt one (`pullServiceAcount`) is refused, never ignored. The
 * compiler checks the list against {@link GcpProviderOptions}, so an added option cannot be left
 * out.
 */
const KNOWN_OPTIONS = {
  projectId: true,
  location: true,
  repository: true,
  pullServiceAccount: true,
  pushServiceAccount: true,
  authClient: true,
  clientOptions: true,
  client: true,
  iamCredentialsEndpoint: true,
  registryEndpoint: true,
  policyRetry: true,
} as const satisfies KnownOptions<GcpProviderOptions>

/**
 * @internal Validate options, reporting every bad field by path.
 * @throws ArtifactRegistryError `INVALID_CONFIG` with `issues`.
 */
export function resolveOptions(options: GcpProviderOptions): ResolvedOptions {
  const issues: ConfigIssue[] = []
  const o = (options ?? {}) as Partial<GcpProviderOptions>
  checkRepositoryRef(o, issues)
  for (const field of ['pullServiceAccount', 'pushServiceAccount'] as const) {
    const value = o[field]
    if (value !== undefined && (typeof value !== 'string' || !EMAIL.test(value))) {
      issues.push({ path: field, message: 'must be a service account email' })
    }
  }
  if (isSameAccount(o.pullServiceAccount, o.pushServiceAccount)) {
    // A pull credential's read-only OAuth scope keeps it from pushing, but its account's roles
    // are the other safeguard: one account for both would hold the push roles, leaving the scope
    // as the only thing between a pull credential and a push.
    issues.push({
      path: 'pushServiceAccount',
      message:
        'must differ from pullServiceAccount: that account would hold the push roles, leaving pull credentials kept from pushing by their read-only OAuth scope alone',
    })
  }
  const endpoint = o.iamCredentialsEndpoint ?? DEFAULT_IAM_CREDENTIALS_ENDPOINT
  if (!isBaseUrl(endpoint)) {
    issues.push({
      path: 'iamCredentialsEndpoint',
      message: 'must be an http(s) URL without a path',
    })
  }
  if (o.registryEndpoint !== undefined && !isBaseUrl(o.registryEndpoint)) {
    issues.push({ path: 'registryEndpoint', message: 'must be an http(s) URL without a path' })
  }
  const policyRetry = resolveRetry(o.policyRetry, issues)
  issues.push(...unknownOptionIssues(o, KNOWN_OPTIONS, 'gcp()'))
  throwIssues(issues)
  return {
    ref: {
      projectId: o.projectId ?? '',
      location: o.location ?? '',
      repository: o.repository ?? '',
    },
    pullServiceAccount: o.pullServiceAccount,
    pushServiceAccount: o.pushServiceAccount,
    iamCredentialsEndpoint: endpoint.replace(/\/$/, ''),
    registryEndpoint: (o.registryEndpoint ?? `https://${o.location}-docker.pkg.dev`).replace(
      /\/$/,
      '',
    ),
    policyRetry,
  }
}

/** Whether two options name one service account (IAM compares emails without regard to case). */
function isSameAccount(pull: unknown, push: unknown): boolean {
  return (
    typeof pull === 'string' &&
    typeof push === 'string' &&
    pull.toLowerCase() === push.toLowerCase()
  )
}

/**
 * @internal Check `projectId`, `location` and `repository` (a GAR repository's reference), adding
 * an issue for each bad one.
 */
export function checkRepositoryRef(
  o: Partial<Record<keyof GarRepositoryRef, unknown>>,
  issues: ConfigIssue[],
): void {
  for (const [field, [pattern, message]] of Object.entries(PATTERNS)) {
    const value = o[field as keyof typeof PATTERNS]
    if (typeof value !== 'string' || !pattern.test(value)) issues.push({ path: field, message })
  }
}

/** @internal Throw `INVALID_CONFIG` listing every issue, if there are any. */
export function throwIssues(issues: readonly ConfigIssue[]): void {
  if (issues.length === 0) return
  const list = issues.map((i) => `${i.path} ${i.message}`).join('; ')
  throw platformError('INVALID_CONFIG', `Invalid options: ${list}`, { issues })
}

/** @internal Whether a value is an http(s) URL without a path, as endpoint options are. */
export function isBaseUrl(value: unknown): boolean {
  return typeof value === 'string' && /^https?:\/\/[^/\s]+\/?$/.test(value)
}

/**
 * Every field of {@link PolicyRetryOptions}: a misspelt `attempts` must be refused, not leave a
 * grant or revocation giving up after the default number of lost races. The compiler checks the
 * list against the interface.
 */
const KNOWN_POLICY_RETRY = {
  attempts: true,
  baseDelayMs: true,
} as const satisfies KnownOptions<PolicyRetryOptions>

const DEFAULT_POLICY_RETRY: Required<PolicyRetryOptions> = { attempts: 5, baseDelayMs: 200 }

/**
 * @internal `policyRetry` with its defaults, adding an issue for each bad or unknown field (the
 * runtime's and provisioning's alike).
 */
export function resolveRetry(
  retry: PolicyRetryOptions | undefined,
  issues: ConfigIssue[],
): Required<PolicyRetryOptions> {
  if (retry === undefined) return { ...DEFAULT_POLICY_RETRY }
  if (typeof retry !== 'object' || retry === null || Array.isArray(retry)) {
    issues.push({ path: 'policyRetry', message: 'must be an object: { attempts, baseDelayMs }' })
    return { ...DEFAULT_POLICY_RETRY }
  }
  issues.push(...unknownOptionIssues(retry, KNOWN_POLICY_RETRY, 'policyRetry', 'policyRetry'))
  // Only a field left out takes its default: `null` is a wrong value, not a missing one.
  const attempts = retry.attempts === undefined ? DEFAULT_POLICY_RETRY.attempts : retry.attempts
  const baseDelayMs =
    retry.baseDelayMs === undefined ? DEFAULT_POLICY_RETRY.baseDelayMs : retry.baseDelayMs
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) {
    issues.push({ path: 'policyRetry.attempts', message: 'must be an integer from 1 to 10' })
  }
  if (!Number.isInteger(baseDelayMs) || baseDelayMs < 0 || baseDelayMs > 60_000) {
    issues.push({ path: 'policyRetry.baseDelayMs', message: 'must be an integer from 0 to 60000' })
  }
  return { attempts, baseDelayMs }
}
