import type { AzureBinding, ProvisionResult } from '@artifact-registry/core'
import { platformError } from '../map-error.js'
import { bindingOf } from './binding.js'
import { CONTAINER_REGISTRY, deleteRegistry, readRegistry } from './container-registry.js'
import { type ProvisionContext, provisionContext } from './context.js'
import type { AzureDeprovisionOptions } from './options.js'
import { resolveProvisionOptions } from './options.js'
import { listRepositories } from './registry-catalog.js'
import { deleteRoleAssignments } from './role-assignments.js'
import {
  deleteRoleDefinition,
  ROLE_DEFINITION,
  readRoleDefinition,
  runtimeRole,
} from './role-definition.js'

/**
 * Delete what `provision` made: its role assignments of the runtime principal on the registry
 * (by their names: never an assignment it did not make), its custom role, and the registry.
 * While the registry holds repositories it refuses with `CONFLICT` listing them, unless
 * `force: true` (the registry's deletion takes them with it). What is already gone is left out
 * of `changes`: deprovisioning twice succeeds, the second time with no changes.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` (every bad option, before any call); `CONFLICT`
 *   listing the repositories that remain; the platform's reason for anything ARM refuses.
 */
export async function deprovision(
  options: AzureDeprovisionOptions,
): Promise<ProvisionResult<AzureBinding>> {
  const resolved = resolveProvisionOptions(options)
  const ctx = provisionContext(resolved)
  const registry = await readRegistry(ctx)
  const role = runtimeRole(ctx)
  if (registry !== undefined) {
    if (options.force !== true && registry.loginServer !== undefined) {
      await refuseWhileRepositoriesRemain(ctx, registry.loginServer)
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
  return { binding: bindingOf(resolved, registry?.loginServer), changes: ctx.recorder.changes }
}

// --- Internal ---

async function refuseWhileRepositoriesRemain(ctx: ProvisionContext, loginServer: string) {
  const { names, more } = await listRepositories(ctx, loginServer)
  if (names.length === 0) return
  const list = `${names.join(', ')}${more ? ' and more' : ''}`
  throw platformError(
    'CONFLICT',
    `Registry "${ctx.resolved.runtime.registryName}" still holds repositories: ${list}. Delete them, or deprovision with force: true to delete them with the registry`,
  )
}
