import type { AzureBinding, ProvisionResult } from '@artifact-registry/core'
import { platformError } from '../map-error.js'
import { bindingOf } from './binding.js'
import { convergeRegistry } from './container-registry.js'
import { provisionContext } from './context.js'
import { waitForLoginServer } from './login-server.js'
import { type AzureProvisionOptions, resolveProvisionOptions } from './options.js'
import { convergeRoleAssignments } from './role-assignments.js'
import { convergeRoleDefinition } from './role-definition.js'

/**
 * Create the Azure Container Registry and what its runtime principal needs on it, or converge
 * what exists: the registry (`container-registry`: SKU, location, admin user and anonymous pull
 * disabled, tagged as provisioning's; a repair is a PATCH of only what drifted; waits for the
 * long-running operation, then for the login server to answer), the custom role of the
 * runtime's ARM actions (`role-definition`) and the runtime principal's role assignments on the
 * registry (`role-assignment`: the custom role and the built-in data-plane roles its credentials
 * mode needs). A second run reports everything `unchanged`; what drifted is put back (`update`)
 * or made again (`create`). With `dryRun: true` only read calls are made.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` (every bad option, before any call); `CONFLICT`
 *   when the name is taken in another subscription, the registry is in another location, or it
 *   exists without provisioning's tag (never taken over) or provisioned for another
 *   `repositoryPrefix` (one registry serves one binding); the platform's reason for anything ARM
 *   refuses.
 * @example
 * ```ts
 * const { binding, changes } = await provision({
 *   subscriptionId, resourceGroup: 'rg-artifacts', registryName: 'acmeregistry',
 *   location: 'eastus', sku: 'Standard', runtimePrincipalId, credential,
 * })
 * ```
 */
export async function provision(
  options: AzureProvisionOptions,
): Promise<ProvisionResult<AzureBinding>> {
  const resolved = resolveProvisionOptions(options, 'provision')
  const ctx = provisionContext(resolved)
  const registry = await convergeRegistry(ctx, options)
  if (!ctx.recorder.dryRun) {
    if (registry?.loginServer === undefined) {
      throw platformError('INTERNAL', `ARM named no login server for registry "${registry?.name}"`)
    }
    await waitForLoginServer(ctx, registry.loginServer)
  }
  const role = await convergeRoleDefinition(ctx)
  await convergeRoleAssignments(ctx, role, registry !== undefined)
  return {
    binding: bindingOf(resolved, options.sku, registry?.loginServer),
    changes: ctx.recorder.changes,
  }
}
