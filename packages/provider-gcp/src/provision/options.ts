import type {
  ConfigIssue,
  DeprovisionOptionsBase,
  ProvisionOptionsBase,
} from '@artifact-registry/core'
import {
  isValidPlatformName,
  provisionRunIssues,
  unknownProvisionFieldIssues,
} from '@artifact-registry/core'
import type { AuthClient } from 'google-auth-library'
import type { GarRepositoryRef } from '../naming.js'
import {
  checkRepositoryRef,
  EMAIL,
  type GarClientOptions,
  isBaseUrl,
  type PolicyRetryOptions,
  resolveRetry,
  throwIssues,
} from '../options.js'
import { derivedAccountId } from './account-id.js'
import { OWNERSHIP_LABEL } from './gar-repository.js'

/**
 * Options of `provision` (from `@artifact-registry/provider-gcp/provision`).
 *
 * @example
 * ```ts
 * await provision({
 *   projectId: 'acme-prod',
 *   location: 'us-central1',
 *   repository: 'images',
 *   runtimeMember: 'serviceAccount:api@acme-prod.iam.gserviceaccount.com',
 * })
 * ```
 */
export interface GcpProvisionOptions extends ProvisionOptionsBase {
  /** Project id (not number) the GAR repository and the service accounts belong to. */
  projectId: string
  /** GAR location, e.g. `us-central1` or `europe`. */
  location: string
  /** Id of the Docker-format GAR repository to create or converge. */
  repository: string
  /**
   * Account id (the part before `@`) of the pull service account. An existing account is used
   * only when provisioning made it as this GAR repository's pull account (its ownership mark);
   * any other is refused with `CONFLICT`.
   * @default `{repository}-{location}-pull`; when longer than 30 characters, cut to fit with a
   *   6-hex hash of the location and repository before `-pull`
   */
  pullServiceAccountId?: string
  /**
   * Account id of the push service account, under the same rule.
   * @default `{repository}-{location}-push`, likewise cut to fit with a hash
   */
  pushServiceAccountId?: string
  /**
   * The IAM member the runtime runs as (`serviceAccount:…`, `user:…`, `group:…`,
   * `principal://…`, `principalSet://…`): it gets `roles/iam.serviceAccountTokenCreator` on both
   * accounts, to mint their tokens.
   */
  runtimeMember: string
  /**
   * Labels the GAR repository carries; labels it has beyond these stay. The label
   * `artifact-registry-provisioned` is provisioning's own ownership mark and cannot be given.
   */
  labels?: Readonly<Record<string, string>>
  /**
   * The identity that provisions (a `google-auth-library` `AuthClient`).
   * @default Application Default Credentials
   */
  authClient?: AuthClient
  /** Options of the Artifact Registry client (`apiEndpoint`, `port`, `protocol`, …); REST by default. */
  clientOptions?: GarClientOptions
  /** Base URL of the IAM API. @default "https://iam.googleapis.com" */
  iamEndpoint?: string
  /** Retries of IAM policy updates on a stale etag. */
  policyRetry?: PolicyRetryOptions
}

/**
 * Options of `deprovision`: those of `provision`, which can be passed as they are, and `force`.
 * What matters only to create (`runtimeMember`, `labels`) may be left out; when given it is
 * checked as for `provision`.
 */
export interface GcpDeprovisionOptions
  extends Omit<GcpProvisionOptions, 'runtimeMember'>,
    DeprovisionOptionsBase {
  /** Only needed to provision. */
  runtimeMember?: string
}

/** @internal Provisioning options after validation, with defaults applied. */
export interface ResolvedProvisionOptions {
  readonly ref: GarRepositoryRef
  readonly pullServiceAccount: AccountRef
  readonly pushServiceAccount: AccountRef
  /** `undefined` only for `deprovision`. */
  readonly runtimeMember: string | undefined
  readonly labels: Readonly<Record<string, string>>
  readonly iamEndpoint: string
  readonly policyRetry: Required<PolicyRetryOptions>
}

/** @internal A service account provisioning manages: its id and email. */
export interface AccountRef {
  readonly accountId: string
  readonly email: string
}

/** The public IAM API, where service accounts and their policies live. */
export const DEFAULT_IAM_ENDPOINT = 'https://iam.googleapis.com'

// IAM members an account's token creator role may go to. IAM refuses a member whose type is not
// written exactly so (`serviceaccount:` is not `serviceAccount:`); the email may be in any case.
const MEMBER_TYPE = /^(?:(?:serviceAccount|user|group):(.*)|principal(?:Set)?:\/\/\S+)$/

/** Whether `value` is an IAM member the token creator role may go to. */
function isMember(value: string): boolean {
  const match = MEMBER_TYPE.exec(value)
  if (match === null) return false
  const email = match[1]
  return email === undefined || EMAIL.test(email)
}
// GCP labels: keys start with a lowercase letter; both at most 63 of [a-z0-9_-].
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/
// A GAR repository carries at most 64 labels, and provisioning adds its ownership label to the
// caller's: 64 of them would pass here and be refused by GAR.
const MAX_LABELS = 63
// Longest location taken (real ones have at most 23 characters): with it, an account's ownership
// mark, which names the GAR repository's resource name, stays within IAM's 256-character
// description.
const MAX_LOCATION = 63

/**
 * @internal Validate provisioning options, reporting every bad field by path, before any call.
 * @throws ArtifactRegistryError `INVALID_CONFIG` with `issues`.
 */
export function resolveProvisionOptions(
  options: GcpProvisionOptions | GcpDeprovisionOptions,
  purpose: 'provision' | 'deprovision',
): ResolvedProvisionOptions {
  const issues: ConfigIssue[] = []
  const o = (options ?? {}) as Partial<GcpProvisionOptions & GcpDeprovisionOptions>
  checkRepositoryRef(o, issues)
  if (typeof o.location === 'string' && o.location.length > MAX_LOCATION) {
    issues.push({ path: 'location', message: `must be at most ${MAX_LOCATION} characters` })
  }
  const pull = accountId(o, 'pullServiceAccountId', 'pull', issues)
  const push = accountId(o, 'pushServiceAccountId', 'push', issues)
  if (pull !== undefined && pull === push) {
    issues.push({
      path: 'pushServiceAccountId',
      message: 'must differ from pullServiceAccountId: each account holds its own role',
    })
  }
  if (o.runtimeMember !== undefined || purpose === 'provision') {
    if (typeof o.runtimeMember !== 'string' || !isMember(o.runtimeMember)) {
      issues.push({
        path: 'runtimeMember',
        message:
          'must be an IAM member: serviceAccount:, user: or group: with an email, or principal:// / principalSet://',
      })
    }
  }
  checkLabels(o.labels, issues)
  const iamEndpoint = o.iamEndpoint ?? DEFAULT_IAM_ENDPOINT
  if (!isBaseUrl(iamEndpoint)) {
    issues.push({ path: 'iamEndpoint', message: 'must be an http(s) URL without a path' })
  }
  issues.push(...provisionRunIssues(o))
  issues.push(...unknownProvisionFieldIssues(o, PROVISION_FIELDS, purpose))
  const policyRetry = resolveRetry(o.policyRetry, issues)
  throwIssues(issues)
  const projectId = o.projectId ?? ''
  const account = (id: string | undefined): AccountRef => ({
    accountId: id ?? '',
    email: `${id}@${projectId}.iam.gserviceaccount.com`,
  })
  return {
    ref: { projectId, location: o.location ?? '', repository: o.repository ?? '' },
    pullServiceAccount: account(pull),
    pushServiceAccount: account(push),
    runtimeMember: o.runtimeMember,
    labels: { ...o.labels },
    iamEndpoint: iamEndpoint.replace(/\/$/, ''),
    policyRetry,
  }
}

// --- Internal ---

// Every field of the options (the compiler checks the list against the interface), so that a
// misspelt one (`labels`, a service account id) is refused rather than provisioning without it.
const PROVISION_FIELDS = Object.keys({
  projectId: true,
  location: true,
  repository: true,
  pullServiceAccountId: true,
  pushServiceAccountId: true,
  runtimeMember: true,
  labels: true,
  authClient: true,
  clientOptions: true,
  iamEndpoint: true,
  policyRetry: true,
} satisfies Record<Exclude<keyof GcpProvisionOptions, keyof ProvisionOptionsBase>, true>)

/** The given account id, checked, or the one derived from the location and repository id. */
function accountId(
  o: Partial<GcpProvisionOptions>,
  field: 'pullServiceAccountId' | 'pushServiceAccountId',
  role: 'pull' | 'push',
  issues: ConfigIssue[],
): string | undefined {
  const given = o[field]
  if (given !== undefined) {
    if (typeof given === 'string' && isValidPlatformName('gcp-service-account', given)) {
      return given
    }
    issues.push({
      path: field,
      message: 'must be a service account id: 6-30 characters matching [a-z]([-a-z0-9]*[a-z0-9])',
    })
    return undefined
  }
  // An invalid location or repository id is reported on its own; nothing is derived from it.
  if (typeof o.repository !== 'string' || !/^[a-z][a-z0-9-]*$/.test(o.repository)) return undefined
  if (typeof o.location !== 'string' || !/^[a-z][a-z0-9-]*$/.test(o.location)) return undefined
  return derivedAccountId(o.location, o.repository, role)
}

function checkLabels(labels: unknown, issues: ConfigIssue[]): void {
  if (labels === undefined) return
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    issues.push({ path: 'labels', message: 'must be an object of label keys to values' })
    return
  }
  const entries = Object.entries(labels)
  if (entries.length > MAX_LABELS) {
    issues.push({
      path: 'labels',
      message: `must have at most ${MAX_LABELS} labels (a GAR repository carries 64, one of them the ownership label)`,
    })
  }
  for (const [key, value] of entries) {
    if (key === OWNERSHIP_LABEL) {
      issues.push({ path: `labels.${key}`, message: "is provisioning's own ownership mark" })
    } else if (!LABEL_KEY.test(key)) {
      issues.push({
        path: `labels.${key}`,
        message: 'label keys start with a lowercase letter: at most 63 of a-z, 0-9, _ and -',
      })
    } else if (typeof value !== 'string' || !LABEL_VALUE.test(value)) {
      issues.push({
        path: `labels.${key}`,
        message: 'label values are at most 63 of a-z, 0-9, _ and -',
      })
    }
  }
}
