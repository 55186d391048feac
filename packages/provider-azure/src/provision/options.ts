import type {
  ConfigIssue,
  DeprovisionOptionsBase,
  ProvisionOptionsBase,
} from '@artifact-registry/core'
import type { AzureCredentialsMode } from '../credentials-mode.js'
import { platformError } from '../map-error.js'
import {
  type AzureProviderOptions,
  optionIssues,
  type ResolvedOptions,
  resolveOptions,
} from '../options.js'
import type { AcrSku } from '../rate-limiter.js'

/** The options `provision` shares with the runtime provider's `azure()`, with the same meaning. */
type SharedOptions = Pick<
  AzureProviderOptions,
  | 'subscriptionId'
  | 'resourceGroup'
  | 'registryName'
  | 'repositoryPrefix'
  | 'credential'
  | 'credentials'
  | 'cloud'
  | 'clientOptions'
  | 'trustedCa'
  | 'pollIntervalMs'
  | 'maxRetries'
>

/** Options of {@link provision}: the registry, who provisions it, and who uses it at runtime. */
export interface AzureProvisionOptions extends SharedOptions, ProvisionOptionsBase {
  /** **Required.** Azure region of the registry (`eastus`, `westeurope`, …). */
  location: string
  /** **Required.** Registry SKU: `Basic`, `Standard` or `Premium`. */
  sku: AcrSku
  /**
   * **Required.** Object id (a GUID) of the Entra ID principal the runtime provider signs in as
   * (service principal, managed identity, user or group): the role assignments name it.
   */
  runtimePrincipalId: string
  /** How long to wait for the login server to answer after the registry is ready, in ms. @default 300000 */
  loginServerTimeoutMs?: number
}

/** Options of {@link deprovision}: the same as `provision`'s, plus `force`. */
export interface AzureDeprovisionOptions extends AzureProvisionOptions, DeprovisionOptionsBase {}

/** Validated provisioning options, with the runtime provider's resolved ones for the shared part. */
export interface ResolvedProvisionOptions {
  readonly options: AzureProvisionOptions
  readonly runtime: ResolvedOptions
  readonly credentialsMode: AzureCredentialsMode
  readonly loginServerTimeoutMs: number
}

type Check = readonly [
  path: keyof AzureDeprovisionOptions,
  valid: (o: AzureProvisionOptions) => boolean,
  message: string,
]

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** What provisioning needs besides the checks the runtime options already have. */
const CHECKS: readonly Check[] = [
  [
    'location',
    (o) => typeof o.location === 'string' && /^[A-Za-z0-9 ]{2,64}$/.test(o.location),
    'must be an Azure region such as "eastus"',
  ],
  ['sku', (o) => o.sku !== undefined, 'is required: Basic, Standard or Premium'],
  [
    'runtimePrincipalId',
    (o) => typeof o.runtimePrincipalId === 'string' && GUID.test(o.runtimePrincipalId),
    'must be the object id (a GUID) of an Entra ID principal',
  ],
  [
    'loginServerTimeoutMs',
    (o) =>
      o.loginServerTimeoutMs === undefined ||
      (Number.isSafeInteger(o.loginServerTimeoutMs) && o.loginServerTimeoutMs > 0),
    'must be a positive integer',
  ],
  [
    'signal',
    (o) => o.signal === undefined || o.signal instanceof AbortSignal,
    'must be an AbortSignal',
  ],
  ['dryRun', (o) => o.dryRun === undefined || typeof o.dryRun === 'boolean', 'must be a boolean'],
  [
    'onChange',
    (o) => o.onChange === undefined || typeof o.onChange === 'function',
    'must be a function',
  ],
  [
    'force',
    (o) => {
      const { force } = o as AzureDeprovisionOptions
      return force === undefined || typeof force === 'boolean'
    },
    'must be a boolean',
  ],
]

/**
 * Validate provisioning options before any platform call.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` with `issues` listing every invalid field.
 * @internal
 */
export function resolveProvisionOptions(options: AzureProvisionOptions): ResolvedProvisionOptions {
  const issues: ConfigIssue[] =
    typeof options !== 'object' || options === null
      ? [{ path: '', message: 'must be an object' }]
      : [
          ...optionIssues(options),
          ...CHECKS.filter(([, valid]) => !valid(options)).map(([path, , message]) => ({
            path,
            message,
          })),
        ]
  if (issues.length > 0) {
    const list = issues.map((i) => `${i.path} ${i.message}`).join('; ')
    throw platformError('INVALID_CONFIG', `Invalid provisioning options: ${list}`, { issues })
  }
  return {
    options,
    runtime: resolveOptions(options),
    credentialsMode: options.credentials ?? 'aad-exchange',
    loginServerTimeoutMs: options.loginServerTimeoutMs ?? 300_000,
  }
}
