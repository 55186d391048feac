import { type ConfigIssue, isValidPlatformName } from '@artifact-registry/core'
import { AZURE_CLOUDS } from './clouds.js'
import type { AzureProviderOptions } from './options.js'
import { type RateLimits, SKU_RATE_LIMITS } from './rate-limiter.js'

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
    // 200 leaves room for a logical name (and its hash suffix) within ACR's 255 characters.
    (o) =>
      !o.repositoryPrefix || isValidPlatformName('acr', o.repositoryPrefix, { maxLength: 200 }),
    'must be a lowercase ACR repository path of at most 200 characters',
  ],
  [
    'sku',
    (o) => o.sku === undefined || Object.hasOwn(SKU_RATE_LIMITS, o.sku),
    'must be Basic, Standard or Premium',
  ],
  ['credential', (o) => typeof o.credential?.getToken === 'function', 'must be a TokenCredential'],
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
  return CHECKS.filter(([, valid]) => !valid(options)).map(([path, , message]) => ({
    path,
    message,
  }))
}

// --- Internal ---

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
