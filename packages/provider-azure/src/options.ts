import {
  type ConfigIssue,
  imageNameBudget,
  isValidPlatformName,
  type KnownOptions,
  MIN_ADAPTED_NAME_LENGTH,
  unknownOptionIssues,
} from '@artifact-registry/core'
import type { ContainerRegistryManagementClientOptionalParams } from '@azure/arm-containerregistry'
import type { TokenCredential } from '@azure/core-auth'
import { type Clock, systemClock } from './clock.js'
import { AZURE_CLOUDS, type AzureCloud } from './clouds.js'
import {
  type AzureCredentialsMode,
  CREDENTIALS_MODES,
  isCredentialsMode,
} from './credentials-mode.js'
import { platformError } from './map-error.js'
import { type AcrSku, type RateLimits, SKU_RATE_LIMITS } from './rate-limiter.js'

/** Options of {@link azure}. */
export interface AzureProviderOptions {
  /** **Required.** Subscription that holds the registry. */
  subscriptionId: string
  /** **Required.** Resource group of the registry. */
  resourceGroup: string
  /** **Required.** Registry name (5-50 letters and digits). */
  registryName: string
  /** Routable names are `{repositoryPrefix}/{name}` when set, `{name}` otherwise. */
  repositoryPrefix?: string
  /** Registry SKU: drives the client-side rate limits. @default 'Standard' */
  sku?: AcrSku
  /**
   * **Required.** Entra ID identity for ARM and for the ACR token exchange, e.g. a
   * `ClientSecretCredential`, `WorkloadIdentityCredential` or `DefaultAzureCredential`.
   */
  credential: TokenCredential
  /**
   * How credentials are minted (see the README's "Credentials modes"): `aad-exchange` exchanges
   * the identity's Entra ID token for a repository-scoped ACR access token whose lifetime ACR
   * sets; `repository-token` generates a password of an ACR token bound to the repository's scope
   * map, expiring exactly at the requested TTL. @default 'aad-exchange'
   */
  credentials?: AzureCredentialsMode
  /** Azure cloud: picks the ARM endpoint, token scope and login-server suffix. @default 'AZURE_PUBLIC_CLOUD' */
  cloud?: AzureCloud
  /** Login server `host[:port]`. @default `{registryName}.azurecr.io` (lower-cased; suffix per cloud) */
  loginServer?: string
  /** Scope of the Entra ID token for ARM. @default the cloud's `https://management.azure.com/.default` */
  managementScope?: string
  /**
   * Scope of the Entra ID token exchanged for ACR tokens at the login server. ACR's own audience
   * works on every registry, including those where the built-in Azure Policy "Container
   * registries should have ARM audience token authentication disabled" refuses ARM tokens.
   * @default 'https://containerregistry.azure.net/.default'
   */
  registryScope?: string
  /** Tenant sent with `/oauth2/exchange`, for identities that span tenants. */
  tenantId?: string
  /**
   * Options of the ARM client (`ContainerRegistryManagementClient`): `endpoint`, `tlsOptions`,
   * `httpClient`, `additionalPolicies`, … The SDK's own retries are off by default
   * (`retryOptions.maxRetries: 0`) because this provider retries (see `maxRetries`).
   */
  clientOptions?: ContainerRegistryManagementClientOptionalParams
  /**
   * CA certificates (PEM) to trust instead of the system ones, for the login server and (unless
   * `clientOptions.tlsOptions` is set) ARM. For tests against a local fake; leave unset in production.
   */
  trustedCa?: string | readonly string[]
  /** Poll interval of ARM long-running operations, in ms; a `Retry-After` from ARM wins. @default 2000 */
  pollIntervalMs?: number
  /** Retries of a call answered 429 or 5xx; 429 waits for `Retry-After`. @default 3 */
  maxRetries?: number
  /** Longest wait before a retry; a `Retry-After` beyond it fails at once with `RATE_LIMITED`. @default 60000 */
  maxRetryDelayMs?: number
  /** Client-side limits per minute, or `false` for none. @default SKU_RATE_LIMITS[sku] */
  rateLimits?: RateLimits | false
  /** Timeout of one data-plane request (token exchange, repository delete), in ms. @default 30000 */
  requestTimeoutMs?: number
  /** Clock of the rate limiter and retry back-off; a fake one in tests. @default the system clock */
  clock?: Clock
}

/** Options after validation and defaults. @internal */
export interface ResolvedOptions {
  readonly subscriptionId: string
  readonly resourceGroup: string
  readonly registryName: string
  readonly repositoryPrefix: string | undefined
  readonly credential: TokenCredential
  readonly credentialsMode: AzureCredentialsMode
  readonly loginServer: string
  readonly managementScope: string
  readonly registryScope: string
  readonly tenantId: string | undefined
  readonly armClientOptions: ContainerRegistryManagementClientOptionalParams
  readonly trustedCa: string[] | undefined
  readonly pollIntervalMs: number | undefined
  readonly maxRetries: number
  readonly maxRetryDelayMs: number
  readonly rateLimits: RateLimits | false
  readonly requestTimeoutMs: number
  readonly clock: Clock
}

/**
 * Every option `azure()` reads: a misspelt one (`repositoryPrefx`) is refused, never ignored, or a
 * binding would reach repositories outside its prefix. The compiler checks the list against
 * {@link AzureProviderOptions}, so an added option cannot be left out.
 */
const KNOWN_OPTIONS = {
  subscriptionId: true,
  resourceGroup: true,
  registryName: true,
  repositoryPrefix: true,
  sku: true,
  credential: true,
  credentials: true,
  cloud: true,
  loginServer: true,
  managementScope: true,
  registryScope: true,
  tenantId: true,
  clientOptions: true,
  trustedCa: true,
  pollIntervalMs: true,
  maxRetries: true,
  maxRetryDelayMs: true,
  rateLimits: true,
  requestTimeoutMs: true,
  clock: true,
} as const satisfies KnownOptions<AzureProviderOptions>

/**
 * Every field of {@link RateLimits}: a misspelt one is refused, never ignored. The compiler checks
 * the list against the interface.
 */
const KNOWN_RATE_LIMITS = {
  readsPerMinute: true,
  writesPerMinute: true,
} as const satisfies KnownOptions<RateLimits>

/**
 * Unknown fields of the options that are objects of ours, by path (`rateLimits.readPerMinute`).
 * `clientOptions` is the ARM SDK's, passed on as given: its fields are the SDK's to judge.
 */
function nestedUnknownIssues(options: AzureProviderOptions): ConfigIssue[] {
  if (typeof options !== 'object' || options === null) return []
  const { rateLimits } = options
  if (typeof rateLimits !== 'object' || rateLimits === null) return []
  return unknownOptionIssues(rateLimits, KNOWN_RATE_LIMITS, 'rateLimits', 'rateLimits')
}

type Check = readonly [
  path: keyof AzureProviderOptions,
  valid: (o: AzureProviderOptions) => boolean,
  message: string,
]

const NON_NEGATIVE = 'must be a non-negative integer'

/** One check per option; every failing one is reported, not only the first. */
const CHECKS: readonly Check[] = [
  ['subscriptionId', (o) => isText(o.subscriptionId), 'must be a non-empty string'],
  ['resourceGroup', (o) => isText(o.resourceGroup), 'must be a non-empty string'],
  [
    'registryName',
    (o) => /^[A-Za-z0-9]{5,50}$/.test(String(o.registryName)),
    'must be 5-50 letters and digits',
  ],
  [
    'repositoryPrefix',
    // Its length is checked against the login server once that is known (prefixRoomIssues).
    // Only a left-out prefix means none: `null`, `false`, `0` or `''` (an unset variable, a
    // config file's empty value) gave the binding the whole registry without a word.
    (o) =>
      o.repositoryPrefix === undefined ||
      (typeof o.repositoryPrefix === 'string' && isValidPlatformName('acr', o.repositoryPrefix)),
    'must be a lowercase ACR repository path (leave it out for none)',
  ],
  [
    'sku',
    (o) => o.sku === undefined || Object.hasOwn(SKU_RATE_LIMITS, o.sku),
    'must be Basic, Standard or Premium',
  ],
  ['credential', (o) => typeof o.credential?.getToken === 'function', 'must be a TokenCredential'],
  [
    'credentials',
    (o) => o.credentials === undefined || isCredentialsMode(o.credentials),
    `must be ${CREDENTIALS_MODES.map((mode) => `'${mode}'`).join(' or ')}`,
  ],
  [
    'cloud',
    (o) => o.cloud === undefined || Object.hasOwn(AZURE_CLOUDS, o.cloud),
    'must be a known Azure cloud',
  ],
  [
    'loginServer',
    (o) => o.loginServer === undefined || /^[^/\s:]+(:\d+)?$/.test(o.loginServer),
    'must be host[:port]',
  ],
  ['pollIntervalMs', (o) => isCount(o.pollIntervalMs), NON_NEGATIVE],
  ['maxRetries', (o) => isCount(o.maxRetries), NON_NEGATIVE],
  ['maxRetryDelayMs', (o) => isCount(o.maxRetryDelayMs), NON_NEGATIVE],
  [
    'requestTimeoutMs',
    (o) => isCount(o.requestTimeoutMs) && o.requestTimeoutMs !== 0,
    'must be a positive integer',
  ],
  [
    'rateLimits',
    (o) => isRateLimits(o.rateLimits),
    'must be false or { readsPerMinute, writesPerMinute } > 0',
  ],
]

/** Every invalid option of `options`, by path; empty when they are valid. @internal */
export function optionIssues(options: AzureProviderOptions): ConfigIssue[] {
  if (typeof options !== 'object' || options === null) {
    return [{ path: '', message: 'must be an object' }]
  }
  const issues = CHECKS.filter(([, valid]) => !valid(options)).map(([path, , message]) => ({
    path,
    message,
  }))
  return issues.length > 0 ? issues : prefixRoomIssues(options)
}

/**
 * A `repositoryPrefix` too long to leave room for an adapted name: the whole routable name stays
 * within ACR's 255 characters and, with the login server before it, within Docker's 255 for an
 * image name (a 50-character registry name in Azure's public cloud leaves 165). A longer prefix
 * passed here and then failed every `createRepository` of a long or adapted name. Checked once
 * the other options are valid, as the login server comes from them.
 */
function prefixRoomIssues(options: AzureProviderOptions): ConfigIssue[] {
  const prefix = options.repositoryPrefix
  if (!prefix) return []
  const longest =
    routableNameBudget(withDefaults(options).loginServer) - 1 - MIN_ADAPTED_NAME_LENGTH
  if (prefix.length <= longest) return []
  return [
    {
      path: 'repositoryPrefix',
      message: `must be at most ${longest} characters beside the login server, to leave room for any repository name`,
    },
  ]
}

/**
 * @internal The longest routable name at `loginServer`: ACR's 255, or what Docker's limit on a
 * whole image name leaves beside the login server.
 */
export function routableNameBudget(loginServer: string): number {
  return imageNameBudget(loginServer, MAX_ACR_REPOSITORY_LENGTH)
}

/** ACR's longest repository name. */
const MAX_ACR_REPOSITORY_LENGTH = 255

/**
 * Validate options and fill in defaults.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` listing every invalid field.
 * @internal
 */
export function resolveOptions(options: AzureProviderOptions): ResolvedOptions {
  const issues = [
    ...optionIssues(options),
    ...unknownOptionIssues(options, KNOWN_OPTIONS, 'azure()'),
    ...nestedUnknownIssues(options),
  ]
  if (issues.length > 0) {
    const list = issues.map((i) => `${i.path} ${i.message}`).join('; ')
    throw platformError('INVALID_CONFIG', `Invalid options: ${list}`, { issues })
  }
  return withDefaults(options)
}

/**
 * Options that {@link optionIssues} found valid, with defaults applied; the fields of a wider
 * object (provisioning's) that are not options are left alone.
 * @internal
 */
export function withDefaults(options: AzureProviderOptions): ResolvedOptions {
  const cloud = AZURE_CLOUDS[options.cloud ?? 'AZURE_PUBLIC_CLOUD']
  const managementScope = options.managementScope ?? cloud.managementScope
  const trustedCa = options.trustedCa === undefined ? undefined : [options.trustedCa].flat()
  return {
    subscriptionId: options.subscriptionId,
    resourceGroup: options.resourceGroup,
    registryName: options.registryName,
    repositoryPrefix: options.repositoryPrefix || undefined,
    credential: options.credential,
    credentialsMode: options.credentials ?? 'aad-exchange',
    loginServer:
      options.loginServer ?? `${options.registryName.toLowerCase()}.${cloud.loginServerSuffix}`,
    managementScope,
    registryScope: options.registryScope ?? cloud.registryScope,
    tenantId: options.tenantId,
    armClientOptions: armClientOptions(options.clientOptions ?? {}, {
      endpoint: cloud.managementEndpoint,
      scope: managementScope,
      trustedCa,
    }),
    trustedCa,
    pollIntervalMs: options.pollIntervalMs,
    maxRetries: options.maxRetries ?? 3,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 60_000,
    rateLimits: options.rateLimits ?? SKU_RATE_LIMITS[options.sku ?? 'Standard'],
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    clock: options.clock ?? systemClock,
  }
}

// --- Internal ---

function armClientOptions(
  client: ContainerRegistryManagementClientOptionalParams,
  defaults: { endpoint: string; scope: string; trustedCa: string[] | undefined },
): ContainerRegistryManagementClientOptionalParams {
  const { trustedCa } = defaults
  return {
    ...client,
    endpoint: client.endpoint ?? defaults.endpoint,
    // v12 derives the scope from `endpoint`, which is wrong behind a proxy or with a fake.
    credentials: { ...client.credentials, scopes: client.credentials?.scopes ?? [defaults.scope] },
    // One retry policy for every call (ours, with Retry-After and the rate limiter), not two.
    retryOptions: { maxRetries: 0, ...client.retryOptions },
    tlsOptions: client.tlsOptions ?? (trustedCa === undefined ? undefined : { ca: trustedCa }),
  }
}

function isText(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== ''
}

function isCount(value: unknown): boolean {
  return value === undefined || (Number.isSafeInteger(value) && (value as number) >= 0)
}

function isRateLimits(value: unknown): boolean {
  if (value === undefined || value === false) return true
  const limits = value as Partial<RateLimits> | null
  return [limits?.readsPerMinute, limits?.writesPerMinute].every(
    (n) => Number.isSafeInteger(n) && (n as number) > 0,
  )
}
