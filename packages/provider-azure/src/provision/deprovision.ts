import type { AzureBinding, ProvisionResult } from '@artifact-registry/core'
import { bindingOf } from './binding.js'
import { CONTAINER_REGISTRY, deleteRegistry, readRegistry } from './container-registry.js'
import { provisionContext } from './context.js'
import type { AzureDeprovisionOptions } from './options.js'
import { resolveProvisionOptions } from './options.js'
import { assertManaged } from './ownership.js'
import { releaseRegistry } from './registry-release.js'
import { deleteRoleAssignments } from './role-assignments.js'
import {
  deleteRoleDefinition,
  ROLE_DEFINITION,
  readRoleDefinition,
  runtimeRole,
} from './role-definition.js'

/**
 * Delete what `provision` made: its role assignments of the runtime principal on the registry
 * (by their names: never an assignment it did not make), its custom role, and the registry. It
 * takes the same options as `provision` (`location` and `sku` are not needed) plus `force`.
 * A registry without provisioning's tag is `CONFLICT` and nothing is deleted. While the
 * registry holds repositories it refuses with `CONFLICT` listing them, unless `force: true`
 * (the registry's deletion takes them with it). With a `repositoryPrefix`, `force` deletes only
 * the prefix's repositories, and the registry, role and assignments go only when no repository
 * outside the prefix remains (else `CONFLICT` naming them, even with `force`). What is already
 * gone is left out of `changes`: deprovisioning twice succeeds, the second time with no changes.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` (every bad option, before any call); `CONFLICT`
 *   for a registry provisioning did not create, or listing the repositories that remain; the
 *   platform's reason for anything ARM refuses.
 */
export async function deprovision(
  options: AzureDeprovisionOptions,
): Promise<ProvisionResult<AzureBinding>> {
  const resolved = resolveProvisionOptions(options, 'deprovision')
  const ctx = provisionContext(resolved)
  const registry = await readRegistry(ctx)
  const role = runtimeRole(ctx)
  if (registry !== undefined) {
    assertManaged(registry, 'deprovision')
    if (registry.loginServer !== undefined) {
      await releaseRegistry(ctx, registry.loginServer, options.force === true)
    }
    await deleteRoleAssignments(ctx, role)
  }
  if ((await readRoleDefinition(ctx, role)) !== undefined) {
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
