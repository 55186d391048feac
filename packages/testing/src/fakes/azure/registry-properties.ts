import type { FakeResponse } from '../fake-server.js'
import { armError } from './responses.js'
import type { FakeNetworkRuleSet, FakePublicNetworkAccess, FakeRegistry, FakeSku } from './state.js'

const SKUS: readonly FakeSku[] = ['Basic', 'Standard', 'Premium']

/** The settings of a registry a `PUT` or `PATCH` may carry, each `undefined` when not sent. */
export interface RegistrySettings {
  sku: FakeSku | undefined
  tags: Record<string, string> | undefined
  adminUserEnabled: boolean | undefined
  anonymousPullEnabled: boolean | undefined
  publicNetworkAccess: FakePublicNetworkAccess | undefined
  networkRuleSet: FakeNetworkRuleSet | undefined
}

/** The settings ARM gives a registry when a `PUT` leaves them out. */
export const REGISTRY_DEFAULTS: Readonly<{
  tags: Readonly<Record<string, string>>
  adminUserEnabled: boolean
  anonymousPullEnabled: boolean
  publicNetworkAccess: FakePublicNetworkAccess
  networkRuleSet: FakeNetworkRuleSet | undefined
}> = {
  tags: {},
  adminUserEnabled: false,
  anonymousPullEnabled: false,
  publicNetworkAccess: 'Enabled',
  networkRuleSet: undefined,
}

/**
 * Read the settings of a registry `PUT` or `PATCH` body (`sku`, `tags`, and the properties
 * `adminUserEnabled`, `anonymousPullEnabled`, `publicNetworkAccess`, `networkRuleSet`), or ARM's
 * 400 for a bad one.
 */
export function parseRegistrySettings(body: unknown): RegistrySettings | FakeResponse {
  const b = (typeof body === 'object' && body !== null ? body : {}) as {
    sku?: { name?: unknown }
    tags?: unknown
    properties?: {
      adminUserEnabled?: unknown
      anonymousPullEnabled?: unknown
      publicNetworkAccess?: unknown
      networkRuleSet?: unknown
    }
  }
  const props = b.properties ?? {}
  const sku = b.sku === undefined ? undefined : SKUS.find((s) => s === b.sku?.name)
  if (b.sku !== undefined && sku === undefined) {
    return invalid('sku.name must be Basic, Standard or Premium')
  }
  if (props.adminUserEnabled !== undefined && typeof props.adminUserEnabled !== 'boolean') {
    return invalid('properties.adminUserEnabled must be a boolean')
  }
  const anonymous = props.anonymousPullEnabled
  if (anonymous !== undefined && typeof anonymous !== 'boolean') {
    return invalid('properties.anonymousPullEnabled must be a boolean')
  }
  const access = props.publicNetworkAccess
  if (access !== undefined && access !== 'Enabled' && access !== 'Disabled') {
    return invalid('properties.publicNetworkAccess must be Enabled or Disabled')
  }
  if (b.tags !== undefined && !isTags(b.tags)) return invalid('tags must map names to strings')
  const rules = props.networkRuleSet
  if (rules !== undefined && !isNetworkRuleSet(rules)) {
    return invalid('properties.networkRuleSet.defaultAction must be Allow or Deny')
  }
  return {
    sku,
    tags: b.tags === undefined ? undefined : { ...b.tags },
    adminUserEnabled: props.adminUserEnabled,
    anonymousPullEnabled: anonymous,
    publicNetworkAccess: access,
    networkRuleSet:
      rules === undefined ? undefined : { ...rules, ipRules: [...(rules.ipRules ?? [])] },
  }
}

/**
 * Apply a `PATCH`: ARM merges it, so what it leaves out stays as it is; `tags`, when sent,
 * replace the registry's tags as a whole (ARM does not merge tag by tag).
 */
export function patchRegistry(registry: FakeRegistry, patch: RegistrySettings): void {
  if (patch.sku !== undefined) registry.sku = patch.sku
  if (patch.tags !== undefined) registry.tags = patch.tags
  if (patch.adminUserEnabled !== undefined) registry.adminUserEnabled = patch.adminUserEnabled
  if (patch.anonymousPullEnabled !== undefined) {
    registry.anonymousPullEnabled = patch.anonymousPullEnabled
  }
  if (patch.publicNetworkAccess !== undefined) {
    registry.publicNetworkAccess = patch.publicNetworkAccess
  }
  if (patch.networkRuleSet !== undefined) registry.networkRuleSet = patch.networkRuleSet
}

/**
 * Apply a `PUT` to an existing registry: ARM replaces it, so what the body leaves out goes back
 * to its default (no tags, public network access enabled, no network rules, admin user and
 * anonymous pull off).
 */
export function replaceRegistry(
  registry: FakeRegistry,
  put: RegistrySettings & { sku: FakeSku },
): void {
  registry.sku = put.sku
  registry.tags = put.tags ?? { ...REGISTRY_DEFAULTS.tags }
  registry.adminUserEnabled = put.adminUserEnabled ?? REGISTRY_DEFAULTS.adminUserEnabled
  registry.anonymousPullEnabled = put.anonymousPullEnabled ?? REGISTRY_DEFAULTS.anonymousPullEnabled
  registry.publicNetworkAccess = put.publicNetworkAccess ?? REGISTRY_DEFAULTS.publicNetworkAccess
  registry.networkRuleSet = put.networkRuleSet ?? REGISTRY_DEFAULTS.networkRuleSet
}

/**
 * ARM's 400 when a registry would allow anonymous pull on the Basic SKU, which does not offer it
 * (Standard and Premium do); `undefined` when the settings are fine.
 */
export function anonymousPullRefusal(
  sku: FakeSku,
  anonymousPullEnabled: boolean,
): FakeResponse | undefined {
  if (!anonymousPullEnabled || sku !== 'Basic') return undefined
  return invalid(
    'properties.anonymousPullEnabled is available on the Standard and Premium SKUs only',
  )
}

// --- Internal ---

function invalid(message: string): FakeResponse {
  return armError(400, 'InvalidRequestContent', message)
}

function isTags(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  )
}

function isNetworkRuleSet(
  value: unknown,
): value is { defaultAction: 'Allow' | 'Deny'; ipRules?: FakeNetworkRuleSet['ipRules'] } {
  const v = value as { defaultAction?: unknown; ipRules?: unknown } | null
  return (
    typeof v === 'object' &&
    v !== null &&
    (v.defaultAction === 'Allow' || v.defaultAction === 'Deny') &&
    (v.ipRules === undefined || Array.isArray(v.ipRules))
  )
}
