import {
  type ConfigIssue,
  type DeprovisionOptionsBase,
  type KnownOptions,
  type ProvisionOptionsBase,
  provisionRunIssues,
  unknownOptionIssues,
  unknownProvisionFieldIssues,
} from '@artifact-registry/core'
import { type Partition, partitionOf, REGION_PATTERN } from '../arn.js'
import {
  type AwsClientConfig,
  clientConfigIssues,
  configError,
  KNOWN_CLIENT_CONFIG,
  optionIssues,
} from '../options.js'

/** SDK settings of provisioning: the runtime's, plus the IAM endpoint. */
export interface AwsProvisionClientConfig extends AwsClientConfig {
  /** IAM endpoint. Default: the SDK's (or `AWS_ENDPOINT_URL_IAM`). */
  iamEndpoint?: string
}

/** Options of {@link provision}. */
export interface AwsProvisionOptions extends ProvisionOptionsBase {
  /** Names the roles `{name}-pull` and `{name}-push`: IAM role-name characters, 1–59 of them. **Required.** */
  name: string
  /** Home region of the repositories, e.g. `us-east-1`. **Required.** */
  region: string
  /** Routable names are `{repositoryPrefix}-{name}`. @default name */
  repositoryPrefix?: string
  /** Role or user ARNs of the runtime identity: exactly these may assume the two roles. **Required.** */
  trustedPrincipals: string[]
  /** Regions that hold replicas: a prefix-filtered replication rule is merged in. */
  replicationRegions?: string[]
  /** A managed policy ARN set as both roles' permissions boundary. */
  permissionsBoundaryArn?: string
  /** Tags set on both roles (tags others set are left alone). */
  tags?: Record<string, string>
  /** SDK client settings (endpoints, credentials, retries). */
  clientConfig?: AwsProvisionClientConfig
}

/**
 * Options of {@link deprovision}: those of `provision` (which can be passed as they are), and
 * `force`. `trustedPrincipals`, `permissionsBoundaryArn` and `tags` only matter when creating:
 * optional here, and checked only when given.
 */
export interface AwsDeprovisionOptions
  extends Omit<AwsProvisionOptions, 'trustedPrincipals' | keyof ProvisionOptionsBase>,
    DeprovisionOptionsBase {
  /** Not needed to deprovision. */
  trustedPrincipals?: string[]
}

/** The tag key of provisioning's ownership mark on both roles; its value is the prefix. */
export const OWNER_TAG_KEY = 'artifact-registry:repository-prefix'

/** @internal What `provision` and `deprovision` work with, validated. */
export interface ResolvedOptions {
  readonly name: string
  readonly region: string
  readonly partition: Partition
  readonly prefix: string
  readonly clientConfig: AwsProvisionClientConfig
  /** Sorted, without duplicates; empty only for `deprovision`. */
  readonly trustedPrincipals: readonly string[]
  /** Without duplicates. */
  readonly replicationRegions: readonly string[]
  readonly permissionsBoundaryArn: string | undefined
  /** The caller's tags and the ownership mark ({@link OWNER_TAG_KEY}). */
  readonly tags: Readonly<Record<string, string>>
}

/**
 * @internal Validate the options of `provision` or `deprovision`, reporting every invalid field,
 * before any call.
 * @throws ArtifactRegistryError `INVALID_CONFIG` with `issues`.
 */
export function resolveOptions(
  options: AwsProvisionOptions | AwsDeprovisionOptions,
  purpose: 'provision' | 'deprovision',
): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw configError([{ path: '', message: 'options must be an object' }])
  }
  const issues = [
    ...sharedIssues(options),
    ...creationIssues(options, purpose),
    ...provisionRunIssues(options as unknown as Record<string, unknown>),
    ...unknownProvisionFieldIssues(
      options as unknown as Record<string, unknown>,
      PROVISION_FIELDS,
      purpose,
    ),
    ...unknownOptionIssues(
      options.clientConfig ?? {},
      KNOWN_PROVISION_CLIENT_CONFIG,
      'clientConfig',
      'clientConfig',
    ),
  ]
  if (issues.length > 0) throw configError(issues)
  const prefix = options.repositoryPrefix ?? options.name
  return {
    name: options.name,
    region: options.region,
    partition: partitionOf(options.region),
    prefix,
    clientConfig: options.clientConfig ?? {},
    trustedPrincipals: [...new Set(options.trustedPrincipals ?? [])].sort(),
    replicationRegions: [...new Set(options.replicationRegions ?? [])],
    permissionsBoundaryArn: options.permissionsBoundaryArn,
    tags: { ...options.tags, [OWNER_TAG_KEY]: prefix },
  }
}

// --- Internal ---

// Every field of the options (the compiler checks the list against the interface), so that a
// misspelt one is refused rather than provisioning without it.
const PROVISION_FIELDS = Object.keys({
  name: true,
  region: true,
  repositoryPrefix: true,
  trustedPrincipals: true,
  replicationRegions: true,
  permissionsBoundaryArn: true,
  tags: true,
  clientConfig: true,
} satisfies Record<Exclude<keyof AwsProvisionOptions, keyof ProvisionOptionsBase>, true>)

/** Every setting of provisioning's SDK clients: a misspelt `credentials` must not mean the default chain. */
const KNOWN_PROVISION_CLIENT_CONFIG = {
  ...KNOWN_CLIENT_CONFIG,
  iamEndpoint: true,
} as const satisfies KnownOptions<AwsProvisionClientConfig>

/** `{name}-pull` and `{name}-push` must be IAM role names: `[\w+=,.@-]`, at most 64 characters. */
const ROLE_NAME_BASE = /^[\w+=,.@-]{1,59}$/
const PRINCIPAL_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/
const POLICY_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}|aws):policy\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/
/** IAM's tag characters: Unicode letters, spaces, digits and `_.:/=+-@`. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u
const MAX_TAGS = 50

type Add = (path: string, message: string) => void

function sharedIssues(o: AwsDeprovisionOptions): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  const add: Add = (path, message) => {
    issues.push({ path, message })
  }
  if (typeof o.name !== 'string' || !ROLE_NAME_BASE.test(o.name)) {
    add(
      'name',
      'must be 1–59 IAM role-name characters ([A-Za-z0-9+=,.@_-]): it names {name}-pull and {name}-push',
    )
  }
  // With the replica regions, as the runtime checks the binding: the prefix must leave room for
  // a name beside each replica's host too. Their own issues are creation's (creationIssues).
  const runtime = optionIssues({
    region: o.region,
    repositoryPrefix: o.repositoryPrefix ?? o.name,
    replicationRegions: o.replicationRegions,
  }).filter((issue) => !issue.path.startsWith('replicationRegions'))
  for (const issue of runtime) {
    if (issue.path === 'repositoryPrefix' && o.repositoryPrefix === undefined) {
      add('repositoryPrefix', `${issue.message}; it defaults to name, so give one when name is not`)
    } else {
      issues.push(issue)
    }
  }
  clientConfigIssues(o.clientConfig, add)
  const iamEndpoint = o.clientConfig?.iamEndpoint
  if (iamEndpoint !== undefined && !URL.canParse(String(iamEndpoint))) {
    add('clientConfig.iamEndpoint', 'must be a URL, e.g. https://iam.amazonaws.com')
  }
  return issues
}

/** The fields creation uses; `deprovision` checks them only when given. */
function creationIssues(
  o: AwsDeprovisionOptions,
  purpose: 'provision' | 'deprovision',
): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  const add: Add = (path, message) => {
    issues.push({ path, message })
  }
  const regionOk = typeof o.region === 'string' && REGION_PATTERN.test(o.region)
  const partition = regionOk ? partitionOf(o.region).id : undefined
  if (purpose === 'provision' || o.trustedPrincipals !== undefined) {
    principalIssues(o.trustedPrincipals, partition, add)
  }
  // The replication rules are the runtime's: check them as the runtime does.
  const replicas = optionIssues({
    region: o.region,
    repositoryPrefix: 'x',
    replicationRegions: o.replicationRegions,
  })
  issues.push(...replicas.filter((i) => i.path.startsWith('replicationRegions')))
  const boundary = o.permissionsBoundaryArn
  if (boundary !== undefined) {
    const match = POLICY_ARN.exec(String(boundary))
    if (match === null) {
      add(
        'permissionsBoundaryArn',
        'must be a managed policy ARN (arn:aws:iam::123456789012:policy/name)',
      )
    } else if (partition !== undefined && match[1] !== partition) {
      add(
        'permissionsBoundaryArn',
        `must be in partition ${partition}, the partition of ${o.region}`,
      )
    }
  }
  tagIssues(o.tags, add)
  return issues
}

function principalIssues(principals: unknown, partition: string | undefined, add: Add): void {
  if (!Array.isArray(principals) || principals.length === 0) {
    add('trustedPrincipals', 'must list at least one IAM role or user ARN of the runtime')
    return
  }
  principals.forEach((arn, i) => {
    const match = PRINCIPAL_ARN.exec(String(arn))
    if (typeof arn !== 'string' || match === null) {
      add(
        `trustedPrincipals.${i}`,
        'must be an IAM role or user ARN (arn:aws:iam::123456789012:role/name)',
      )
    } else if (partition !== undefined && match[1] !== partition) {
      add(`trustedPrincipals.${i}`, `must be in partition ${partition}, like the region`)
    }
  })
}

function tagIssues(tags: unknown, add: Add): void {
  if (tags === undefined) return
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
    add('tags', 'must be an object of string values')
    return
  }
  const entries = Object.entries(tags)
  // One of IAM's 50 tags is the ownership mark.
  if (entries.length > MAX_TAGS - 1) {
    add('tags', `must hold at most ${MAX_TAGS - 1} tags (IAM's limit, less the ownership mark)`)
  }
  // IAM compares a role's tag keys without case (a key in another case replaces the tag), so
  // `Artifact-Registry:Repository-Prefix` would overwrite the ownership mark, and `Team` and
  // `team` are one tag whose value depends on which IAM sees last.
  const seen = new Set<string>()
  for (const [key, value] of entries) {
    const keyOk = key.length >= 1 && key.length <= 128 && TAG_TEXT.test(key)
    const folded = key.toLowerCase()
    const repeated = seen.has(folded)
    seen.add(folded)
    if (folded === OWNER_TAG_KEY) {
      add(`tags.${key}`, "is provisioning's ownership mark, which it sets itself")
    } else if (repeated) {
      add(`tags.${key}`, 'is another tag key in another case: IAM tag keys ignore case')
    } else if (!keyOk || folded.startsWith('aws:')) {
      add(`tags.${key}`, 'key must be 1–128 IAM tag characters and not start with aws:')
    } else if (typeof value !== 'string' || value.length > 256 || !TAG_TEXT.test(value)) {
      add(`tags.${key}`, 'value must be a string of at most 256 IAM tag characters')
    }
  }
}
