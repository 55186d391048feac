import type { AzureBinding, ProvisionResult } from '@artifact-registry/core'
import { platformError } from '../map-error.js'
import { bindingOf } from './binding.js'
import { CONTAINER_REGISTRY, deleteRegistry, readRegistry } from './container-registry.js'
import { type ProvisionContext, provisionContext } from './context.js'
import type { AzureDeprovisionOptions } from './options.js'
import { resolveProvisionOptions } from './options.js'
import { assertOwnBinding } from './ownership.js'
import { assertReleasable } from './registry-release.js'
import { deleteRoleAssignments, othersAssignmentsOfRole } from './role-assignments.js'
import {
  deleteRoleDefinition,
  ROLE_DEFINITION,
  type RuntimeRole,
  readRoleDefinition,
  runtimeRole,
} from './role-definition.js'

/**
 * Delete what `provision` made: its role assignments on the registry, of the runtime principal
 * and of any former one (by their names: never an assignment it did not make), its custom role,
 * and the registry. It takes the same options as `provision` (`location` and `sku` are not
 * needed) plus `force`.
 * A registry without provisioning's tag, or provisioned for another `repositoryPrefix`, is
 * `CONFLICT` and nothing is deleted. Everything is read and decided before the first deletion
 * (`registry-release`): a repository outside the prefix is `CONFLICT` naming it, even with
 * `force`; while the binding's own repositories remain it refuses with `CONFLICT` listing them,
 * unless `force: true` (the registry's deletion takes them with it); an assignment of the custom
 * role that provisioning did not make (any principal, anywhere in the resource group) is
 * `CONFLICT` naming it, even with `force`, as ARM deletes no role an assignment names. What is
 * already gone is left out of `changes`: deprovisioning twice succeeds, the second time with no
 * changes.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` (every bad option, before any call); `CONFLICT`
 *   for a registry provisioning did not create for this binding, listing the repositories in the
 *   way, or naming another's assignment of the custom role; the platform's reason for anything
 *   ARM refuses.
 */
export async function deprovision(
  options: AzureDeprovisionOptions,
): Promise<ProvisionResult<AzureBinding>> {
  const resolved = resolveProvisionOptions(options, 'deprovision')
  const ctx = provisionContext(resolved)
  const registry = await readRegistry(ctx)
  const role = runtimeRole(ctx)
  if (registry !== undefined) {
    assertOwnBinding(registry, resolved.runtime.repositoryPrefix, 'deprovision')
    await assertReleasable(ctx, registry, options.force === true)
  }
  const definition = await readRoleDefinition(ctx, role)
  if (definition !== undefined) await assertRoleReleasable(ctx, role)
  if (registry !== undefined) await deleteRoleAssignments(ctx, role)
  if (definition !== undefined) {
    await ctx.recorder.apply({ action: 'delete', kind: ROLE_DEFINITION, id: role.id }, () =>
      deleteRoleDefinition(ctx, role),
    )
  }
  if (registry !== undefined) {
    const change = { action: 'delete' as const, kind: CONTAINER_REGISTRY, id: ctx.registryId }
    await ctx.recorder.apply(change, () => deleteRegistry(ctx))
  }
  const sku = options.sku ?? (registry?.sku?.name as AzureDeprovisionOptions['sku'])
  return {
    binding: bindingOf(resolved, sku, registry?.loginServer),
    changes: ctx.recorder.changes,
  }
}

// --- Internal ---

/**
 * Refuse, before any change, while an assignment provisioning did not make names the custom role:
 * ARM would refuse to delete the role after our own assignments were gone.
 *
 * @throws ArtifactRegistryError `CONFLICT` naming each such assignment and its principal.
 */
async function assertRoleReleasable(ctx: ProvisionContext, role: RuntimeRole): Promise<void> {
  const others = await othersAssignmentsOfRole(ctx, role)
  if (others.length === 0) return
  const named = others.map((a) => `${a.id ?? a.name} (principal ${a.principalId})`).join(', ')
  throw platformError(
    'CONFLICT',
    `Role "${role.roleName}" (${role.id}) is also assigned by assignments provisioning did not make: ${named}. ARM deletes no role an assignment names, so deprovision changes nothing, even with force: true; delete those assignments first`,
  )
}
