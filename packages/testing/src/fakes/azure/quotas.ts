import type { FakeResponse } from '../fake-server.js'
import { armError } from './responses.js'
import type { AzureFakeState, FakeRegistry, FakeSku } from './state.js'

/**
 * How many scope maps a registry of each SKU may hold, and as many tokens: two quotas, counted
 * separately (ACR's documented limits; Azure Support can raise them for a registry).
 */
export const ACR_RESOURCE_QUOTAS: Readonly<Record<FakeSku, number>> = Object.freeze({
  Basic: 100,
  Standard: 500,
  Premium: 50_000,
})

/** The registry resources that count against a quota. */
export type QuotaResource = 'scopeMaps' | 'tokens'

/** The state and the quota per SKU ({@link ACR_RESOURCE_QUOTAS} unless the fake was told otherwise). */
export interface QuotaContext {
  readonly state: AzureFakeState
  readonly quotas: Readonly<Record<FakeSku, number>>
}

/**
 * ARM's answer to the creation of one more `resource` than the registry's SKU allows (400
 * `QuotaExceeded`, as ACR answers any resource over its SKU quota), or `undefined` when there is
 * room. Every stored resource counts, whatever its provisioning state.
 */
export function overQuota(
  ctx: QuotaContext,
  owner: { readonly registry: FakeRegistry; readonly registryKey: string },
  resource: QuotaResource,
): FakeResponse | undefined {
  const { registry, registryKey } = owner
  let held = 0
  for (const r of ctx.state[resource].values()) if (r.registryKey === registryKey) held += 1
  if (held < ctx.quotas[registry.sku]) return undefined
  return armError(
    400,
    'QuotaExceeded',
    `Quota exceeded for resource type ${resource} for the registry SKU ${registry.sku}. Learn more about different SKU quotas and upgrade process: https://aka.ms/acr/tiers`,
  )
}
