import type { ErrorContext } from '@artifact-registry/core'
import type { AcrSku } from './rate-limiter.js'

/**
 * How many scope maps a registry of each SKU may hold, and as many tokens (two quotas, counted
 * separately). Azure Support can raise them for a registry.
 */
export const SKU_RESOURCE_QUOTAS: Readonly<Record<AcrSku, number>> = {
  Basic: 100,
  Standard: 500,
  Premium: 50_000,
}

/** ARM's code when a create would go over the registry's quota of that resource type. */
const QUOTA_CODE = 'QuotaExceeded'

/** What each resource type of ARM's message is called in ours. */
const KINDS: Readonly<Record<string, string>> = { scopemaps: 'scope maps', tokens: 'tokens' }

/**
 * The message of our error when `err` is ARM's `QuotaExceeded` (a `RestError` with that code, or
 * a long-running operation that failed with it), naming the quota, the SKU's limit and what to
 * do; `undefined` for any other error. ARM's answer reads "Quota exceeded for resource type
 * scopeMaps for the registry SKU Basic. …".
 */
export function quotaExceededMessage(err: unknown, context: ErrorContext): string | undefined {
  if (!isQuotaExceeded(err)) return undefined
  const message = messageOf(err)
  const type = /resource type (\w+)/i.exec(message)?.[1]?.toLowerCase()
  const kind = (type === undefined ? undefined : KINDS[type]) ?? 'scope maps or tokens'
  const sku = /SKU (\w+)/.exec(message)?.[1]
  const limit = sku !== undefined && Object.hasOwn(SKU_RESOURCE_QUOTAS, sku)
  const held = limit
    ? ` (${SKU_RESOURCE_QUOTAS[sku as AcrSku].toLocaleString('en-US')} on ${sku})`
    : ''
  const about = context.resource === undefined ? '' : ` "${context.resource}"`
  return (
    `${context.operation}${about} failed: the registry's quota of ${kind} is used up${held}. ` +
    'ACR allows 100 on Basic, 500 on Standard and 50,000 on Premium, for scope maps and for ' +
    'tokens each: delete repositories no longer needed, move the registry to a higher SKU, or ' +
    'ask Azure Support for a higher limit'
  )
}

/**
 * Whether `err`, as ARM's SDK threw it (the `cause` of our error), is ARM's `QuotaExceeded`: a
 * `RestError` with that code, or a long-running operation that failed with it.
 */
export function isQuotaExceeded(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === QUOTA_CODE || messageOf(err).includes(`failed. ${QUOTA_CODE}.`)
}

// --- Internal ---

function messageOf(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message
  return typeof message === 'string' ? message : ''
}
