import {
  type ConfigIssue,
  type DeprovisionOptionsBase,
  type ProvisionOptionsBase,
  provisionRunIssues,
  unknownProvisionFieldIssues,
} from '@artifact-registry/core'
import type { TokenCredential } from '@azure/core-auth'
import { sovereignAuthorityHost } from '../clouds.js'
import type { AzureCredentialsMode } from '../credentials-mode.js'
import { lazyDefaultCredential } from '../default-credential.js'
import { platformError } from '../map-error.js'
import {
  type AzureProviderOptions,
  optionIssues,
  type ResolvedOptions,
  withDefaults,
} from '../options.js'
import type { AcrSku } from '../rate-limiter.js'

/** The options `provision` shares with the runtime provider's `azure()`, with the same meaning. */
type SharedOptions = Pick<
  AzureProviderOptions,
  | 'subscriptionId'
  | 'resourceGroup'
  | 'registryName'
  | 'repositoryPrefix'
  | 'credentials'
  | 'cloud'
  | 'clientOptions'
  | 'trustedCa'
  | 'pollIntervalMs'
  | 'maxRetries'
>

/** Options of {@link provision}: the registry, who provisions it, and who uses it at runtime. */
export interface AzureProvisionOptions extends SharedOptions, ProvisionOptionsBase {
  /**
   * Entra ID identity that provisions (ARM, and the registry's catalog at `deprovision`). When
   * unset, `DefaultAzureCredential` from `@azure/identity` (environment, workload identity,
   * managed identity, Azure CLI, …), with the Entra ID authority of `cloud`, as `fromBinding`
   * signs in: what the command line uses, since no flag or file can carry a credential object.
   * @default DefaultAzureCredential, created on the first token request
   */
  credential?: TokenCredential
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

/**
 * Options of {@link deprovision}: the same as `provision`'s, so one options file serves both, plus
 * `force`. `location` and `sku` only matter when creating: optional here (checked when given).
 */
export interface AzureDeprovisionOptions
  extends Omit<AzureProvisionOptions, 'location' | 'sku'>,
    Partial<Pick<AzureProvisionOptions, 'location' | 'sku'>>,
    DeprovisionOptionsBase {}

/** Options with the identity that provisions: the given `credential` or the default chain. */
type SignedInOptions = AzureDeprovisionOptions & { readonly credential: TokenCredential }

/** Which run the options are for: `deprovision` does not need what only creating needs. */
export type ProvisionVerb = 'provision' | 'deprovision'

/** Validated provisioning options, with the runtime provider's resolved ones for the shared part. */
export interface ResolvedProvisionOptions {
  /** The options as given, with the default credential when they named none. */
  readonly options: SignedInOptions
  readonly runtime: ResolvedOptions
  readonly credentialsMode: AzureCredentialsMode
  readonly loginServerTimeoutMs: number
}

type Check = readonly [
  path: keyof AzureProvisionOptions,
  valid: (o: AzureDeprovisionOptions) => boolean,
  message: string,
]

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** What provisioning needs besides the checks the runtime options and the run's own already have. */
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
]

// Every field of the options (the compiler checks the list against the interface), so that a
// misspelt one (`credentials`, whose default mode assigns the runtime identity more roles) is
// refused rather than provisioning without it.
const PROVISION_FIELDS = Object.keys({
  subscriptionId: true,
  resourceGroup: true,
  registryName: true,
  repositoryPrefix: true,
  credentials: true,
  cloud: true,
  clientOptions: true,
  trustedCa: true,
  pollIntervalMs: true,
  maxRetries: true,
  credential: true,
  location: true,
  sku: true,
  runtimePrincipalId: true,
  loginServerTimeoutMs: true,
} satisfies Record<Exclude<keyof AzureProvisionOptions, keyof ProvisionOptionsBase>, true>)

/** What only creating needs: `deprovision` checks these only when they are given. */
const CREATE_ONLY: ReadonlySet<keyof AzureProvisionOptions> = new Set(['location', 'sku'])

/**
 * Validate the options of `provision` or `deprovision` before any platform call.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` with `issues` listing every invalid field.
 * @internal
 */
export function resolveProvisionOptions(
  options: AzureDeprovisionOptions,
  verb: ProvisionVerb,
): ResolvedProvisionOptions {
  const applies = ([path]: Check) =>
    verb === 'provision' || !CREATE_ONLY.has(path) || options[path] !== undefined
  const signedIn = typeof options === 'object' && options !== null ? withCredential(options) : null
  const issues: ConfigIssue[] =
    signedIn === null
      ? [{ path: '', message: 'must be an object' }]
      : [
          ...optionIssues(signedIn),
          ...CHECKS.filter((check) => applies(check) && !check[1](options)).map(
            ([path, , message]) => ({ path, message }),
          ),
          ...provisionRunIssues(options as unknown as Readonly<Record<string, unknown>>),
          ...unknownProvisionFieldIssues(
            options as unknown as Readonly<Record<string, unknown>>,
            PROVISION_FIELDS,
            verb,
          ),
        ]
  if (signedIn === null || issues.length > 0) {
    const list = issues.map((i) => `${i.path} ${i.message}`).join('; ')
    throw platformError('INVALID_CONFIG', `Invalid provisioning options: ${list}`, { issues })
  }
  return {
    options: signedIn,
    runtime: withDefaults(signedIn),
    credentialsMode: options.credentials ?? 'aad-exchange',
    loginServerTimeoutMs: options.loginServerTimeoutMs ?? 300_000,
  }
}

// --- Internal ---

/**
 * `options` with `credential` set: the default chain, as a binding signs in, when it is unset
 * (a given one, even an invalid one, is left for validation to judge).
 */
function withCredential(options: AzureDeprovisionOptions): SignedInOptions {
  if (options.credential !== undefined) return { ...options, credential: options.credential }
  return { ...options, credential: lazyDefaultCredential(sovereignAuthorityHost(options.cloud)) }
}
