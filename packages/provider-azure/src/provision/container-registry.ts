import type { Registry, RegistryUpdateParameters } from '@azure/arm-containerregistry'
import { unlessNotFound } from '../arm-resources.js'
import { platformError } from '../map-error.js'
import type { AcrSku } from '../rate-limiter.js'
import type { ProvisionContext } from './context.js'
import { assertOwnBinding, managedTags } from './ownership.js'

/** The `kind` of the registry in provisioning changes. */
export const CONTAINER_REGISTRY = 'container-registry'

/** The registry as provisioning found or made it: `undefined` in a dry run that would create it. */
export type ProvisionedRegistry = Registry | undefined

/** What `provision` wants of the registry. */
export interface WantedRegistry {
  readonly location: string
  readonly sku: AcrSku
}

/** Read the registry; `undefined` when ARM says it does not exist. */
export function readRegistry(ctx: ProvisionContext): Promise<Registry | undefined> {
  const { resourceGroup, registryName } = ctx.resolved.runtime
  return ctx.call({ operation: 'read registry', resource: registryName }, (abortSignal) =>
    unlessNotFound(() =>
      ctx.registries.registries.get(resourceGroup, registryName, { abortSignal }),
    ),
  )
}

/**
 * Create the registry (SKU, location, admin user and anonymous pull disabled, tagged
 * {@link managedTags}: ours, and this binding's prefix) with a PUT, or put back what drifted (SKU,
 * admin user, anonymous pull, a failed provisioning) with a PATCH carrying only those fields: a PUT replaces the whole registry, so it
 * would reset its tags, network rules, public network access and policies. Waits for the
 * long-running operation. A registry provisioning did not create (no tag), or created for
 * another binding's prefix, is `CONFLICT`: never taken over or shared. A registry in another
 * location cannot be moved: `CONFLICT`. Before a create, ARM's name check (a read, so a dry run
 * makes it too) tells whether another subscription holds the name: `CONFLICT`, as registry names
 * are global like their DNS names.
 */
export async function convergeRegistry(
  ctx: ProvisionContext,
  wanted: WantedRegistry,
): Promise<ProvisionedRegistry> {
  const existing = await readRegistry(ctx)
  const { location } = wanted
  if (existing !== undefined) {
    assertOwnBinding(existing, ctx.resolved.runtime.repositoryPrefix, 'provision')
  }
  if (existing !== undefined && normalRegion(existing.location) !== normalRegion(location)) {
    throw platformError(
      'CONFLICT',
      `Registry "${existing.name}" exists in ${existing.location}, not ${location}: a registry cannot move; delete it or provision it where it is`,
    )
  }
  if (existing === undefined) await assertNameAvailable(ctx)
  if (existing === undefined) {
    const change = { action: 'create' as const, kind: CONTAINER_REGISTRY, id: ctx.registryId }
    return ctx.recorder.apply(change, () => createRegistry(ctx, wanted))
  }
  const { drift, repair } = driftOf(existing, wanted)
  if (drift.length === 0) {
    ctx.recorder.unchanged(CONTAINER_REGISTRY, existing.id ?? ctx.registryId)
    return existing
  }
  const change = {
    action: 'update' as const,
    kind: CONTAINER_REGISTRY,
    id: ctx.registryId,
    detail: drift.join('; '),
  }
  const repaired = await ctx.recorder.apply(change, () => updateRegistry(ctx, repair))
  return repaired ?? existing
}

/** Delete the registry (its repositories and images go with it) and wait. */
export function deleteRegistry(ctx: ProvisionContext): Promise<void> {
  const { resourceGroup, registryName, pollIntervalMs } = ctx.resolved.runtime
  return ctx.call({ operation: 'delete registry', resource: registryName }, async (abortSignal) => {
    await ctx.registries.registries.beginDeleteAndWait(resourceGroup, registryName, {
      updateIntervalInMs: pollIntervalMs,
      abortSignal,
    })
  })
}

// --- Internal ---

async function assertNameAvailable(ctx: ProvisionContext): Promise<void> {
  const { registryName } = ctx.resolved.runtime
  const status = await ctx.call(
    { operation: 'check registry name', resource: registryName },
    (abortSignal) =>
      ctx.registries.registries.checkNameAvailability(
        { name: registryName, type: 'Microsoft.ContainerRegistry/registries' },
        { abortSignal },
      ),
  )
  if (status.nameAvailable !== false) return
  throw platformError(
    status.reason === 'AlreadyExists' ? 'CONFLICT' : 'INVALID_ARGUMENT',
    `Registry name "${registryName}" is not available (${status.reason}): ${status.message ?? 'ARM gave no reason'}`,
  )
}

/** A new registry: a PUT, which creates (and would replace: only ever sent for a new one). */
function createRegistry(ctx: ProvisionContext, { location, sku }: WantedRegistry) {
  const { resourceGroup, registryName, pollIntervalMs } = ctx.resolved.runtime
  return ctx.call({ operation: 'create registry', resource: registryName }, (abortSignal) =>
    ctx.registries.registries.beginCreateAndWait(
      resourceGroup,
      registryName,
      {
        location,
        sku: { name: sku },
        adminUserEnabled: false,
        // Off already by default; said so, as its repair below is the same security property.
        anonymousPullEnabled: false,
        tags: managedTags(ctx.resolved.runtime.repositoryPrefix),
      },
      { updateIntervalInMs: pollIntervalMs, abortSignal },
    ),
  )
}

/** A repair: a PATCH, which ARM merges, so what it leaves out stays as it is. */
function updateRegistry(ctx: ProvisionContext, repair: RegistryUpdateParameters) {
  const { resourceGroup, registryName, pollIntervalMs } = ctx.resolved.runtime
  return ctx.call({ operation: 'update registry', resource: registryName }, (abortSignal) =>
    ctx.registries.registries.beginUpdateAndWait(resourceGroup, registryName, repair, {
      updateIntervalInMs: pollIntervalMs,
      abortSignal,
    }),
  )
}

/**
 * What differs from what provisioning wants, in a few words each, and the PATCH that puts back
 * exactly that. A failed provisioning with nothing else drifted is retried by a PATCH of the
 * wanted SKU (an update runs the registry's provisioning again).
 */
function driftOf(
  registry: Registry,
  { sku }: WantedRegistry,
): { drift: string[]; repair: RegistryUpdateParameters } {
  const drift: string[] = []
  const repair: RegistryUpdateParameters = {}
  if (registry.sku?.name !== sku) {
    drift.push(`sku ${registry.sku?.name} → ${sku}`)
    repair.sku = { name: sku }
  }
  if (registry.adminUserEnabled === true) {
    drift.push('admin user enabled → disabled')
    repair.adminUserEnabled = false
  }
  // Anonymous pull lets anyone pull every repository without credentials: the one-repository
  // scope of every pull credential this library mints would mean nothing.
  if (registry.anonymousPullEnabled === true) {
    drift.push('anonymous pull enabled → disabled')
    repair.anonymousPullEnabled = false
  }
  if (registry.provisioningState === 'Failed') {
    drift.push('provisioning failed → provisioned again')
    repair.sku = { name: sku }
  }
  return { drift, repair }
}

/** ARM names regions in any case and with or without spaces (`East US`, `eastus`). */
function normalRegion(region: string | undefined): string {
  return (region ?? '').replace(/\s+/g, '').toLowerCase()
}
