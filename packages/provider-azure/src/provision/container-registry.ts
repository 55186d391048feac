import type { Registry } from '@azure/arm-containerregistry'
import { unlessNotFound } from '../arm-resources.js'
import { platformError } from '../map-error.js'
import type { ProvisionContext } from './context.js'

/** The `kind` of the registry in provisioning changes. */
export const CONTAINER_REGISTRY = 'container-registry'

/** The registry as provisioning found or made it: `undefined` in a dry run that would create it. */
export type ProvisionedRegistry = Registry | undefined

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
 * Create the registry (SKU, location, admin user disabled) or put back what drifted (SKU, admin
 * user, a failed provisioning), waiting for the long-running operation. A registry in another
 * location cannot be moved: `CONFLICT`. Before a create, ARM's name check (a read, so a dry run
 * makes it too) tells whether another subscription holds the name: `CONFLICT`, as registry names
 * are global like their DNS names.
 */
export async function convergeRegistry(ctx: ProvisionContext): Promise<ProvisionedRegistry> {
  const existing = await readRegistry(ctx)
  const { location, sku } = ctx.resolved.options
  if (existing !== undefined && normalRegion(existing.location) !== normalRegion(location)) {
    throw platformError(
      'CONFLICT',
      `Registry "${existing.name}" exists in ${existing.location}, not ${location}: a registry cannot move; delete it or provision it where it is`,
    )
  }
  if (existing === undefined) await assertNameAvailable(ctx)
  const drift = existing === undefined ? [] : driftOf(existing, ctx)
  if (existing !== undefined && drift.length === 0) {
    ctx.recorder.unchanged(CONTAINER_REGISTRY, existing.id ?? ctx.registryId)
    return existing
  }
  const change =
    existing === undefined
      ? { action: 'create' as const, kind: CONTAINER_REGISTRY, id: ctx.registryId }
      : {
          action: 'update' as const,
          kind: CONTAINER_REGISTRY,
          id: ctx.registryId,
          detail: drift.join('; '),
        }
  const made = await ctx.recorder.apply(change, () =>
    putRegistry(ctx, { location, sku: { name: sku } }),
  )
  return made ?? existing
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

function putRegistry(ctx: ProvisionContext, registry: Pick<Registry, 'location' | 'sku'>) {
  const { resourceGroup, registryName, pollIntervalMs } = ctx.resolved.runtime
  return ctx.call({ operation: 'create registry', resource: registryName }, (abortSignal) =>
    ctx.registries.registries.beginCreateAndWait(
      resourceGroup,
      registryName,
      { ...registry, adminUserEnabled: false },
      { updateIntervalInMs: pollIntervalMs, abortSignal },
    ),
  )
}

/** What differs from what provisioning wants, in a few words each. */
function driftOf(registry: Registry, ctx: ProvisionContext): string[] {
  const { sku } = ctx.resolved.options
  const drift: string[] = []
  if (registry.sku?.name !== sku) drift.push(`sku ${registry.sku?.name} → ${sku}`)
  if (registry.adminUserEnabled === true) drift.push('admin user enabled → disabled')
  if (registry.provisioningState === 'Failed') drift.push('provisioning failed → provisioned again')
  return drift
}

/** ARM names regions in any case and with or without spaces (`East US`, `eastus`). */
function normalRegion(region: string | undefined): string {
  return (region ?? '').replace(/\s+/g, '').toLowerCase()
}
