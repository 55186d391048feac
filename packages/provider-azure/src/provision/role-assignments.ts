import type { RoleAssignment } from '@azure/arm-authorization'
import type { ProvisionContext } from './context.js'
import { deterministicGuid } from './ids.js'
import { armScope, type RuntimeRole } from './role-definition.js'
import {
  BUILT_IN_ROLE_IDS,
  type DataPlaneRole,
  RUNTIME_PERMISSIONS,
} from './runtime-permissions.js'

/** The `kind` of role assignments in provisioning changes. */
export const ROLE_ASSIGNMENT = 'role-assignment'

/** ARM's answers while a new principal or custom role has not reached it yet. */
const NOT_REPLICATED = /\b(?:PrincipalNotFound|RoleDefinitionDoesNotExist)\b/
/** How often those are asked again: with the default poll interval, for a minute. */
const REPLICATION_RETRIES = 30

/** One role assignment of the runtime principal on the registry that provisioning manages. */
interface ManagedAssignment {
  /** Our GUID for it: derived from the scope, the principal and the role. */
  readonly name: string
  /** `{registry id}/providers/Microsoft.Authorization/roleAssignments/{name}`. */
  readonly id: string
  /** The full id of the role definition. */
  readonly roleDefinitionId: string
  /** Whether the current credentials mode needs it (one a former mode needed is deleted). */
  readonly wanted: boolean
}

/**
 * Give the runtime principal exactly the roles its credentials mode needs on the registry: the
 * custom role and the built-in data-plane roles. An assignment of the same principal, role and
 * scope under another name (made by hand, by Terraform) counts as there and is left alone; one of
 * ours that the mode no longer needs is deleted, and so is every one of ours of a former runtime
 * principal. `registryExists: false` (a dry run that would create the registry) reads nothing:
 * every assignment would be created.
 */
export async function convergeRoleAssignments(
  ctx: ProvisionContext,
  role: RuntimeRole,
  registryExists: boolean,
): Promise<void> {
  const atRegistry = registryExists ? await listAssignments(ctx) : []
  const principal = ctx.resolved.options.runtimePrincipalId.toLowerCase()
  const existing = atRegistry.filter((a) => a.principalId?.toLowerCase() === principal)
  for (const assignment of managedAssignments(ctx, role)) {
    const ours = existing.find((a) => a.name?.toLowerCase() === assignment.name)
    if (!assignment.wanted) {
      if (ours !== undefined) {
        const change = {
          action: 'delete' as const,
          kind: ROLE_ASSIGNMENT,
          id: assignment.id,
          detail: 'not needed in this credentials mode',
        }
        await ctx.recorder.apply(change, () => deleteAssignment(ctx, assignment.name))
      }
      continue
    }
    const same =
      ours ??
      existing.find((a) => roleGuid(a.roleDefinitionId) === roleGuid(assignment.roleDefinitionId))
    if (same !== undefined) {
      ctx.recorder.unchanged(ROLE_ASSIGNMENT, same.id ?? assignment.id)
      continue
    }
    await ctx.recorder.apply({ action: 'create', kind: ROLE_ASSIGNMENT, id: assignment.id }, () =>
      createAssignment(ctx, assignment),
    )
  }
  // A registry serves one runtime principal. What provisioning assigned to a former one (before
  // `runtimePrincipalId` changed: a rotated identity) would otherwise keep pushing, deleting and
  // writing scope maps on the registry, and no later run would ever remove it.
  await deleteFormerPrincipals(ctx, role, atRegistry)
}

/**
 * Delete the role assignments provisioning made (by their names), never one it did not; records
 * each. Those it made for a former runtime principal go too: the custom role cannot be deleted
 * while any assignment names it, and they are provisioning's grants all the same. Nothing is read
 * or deleted when the registry is already gone.
 */
export async function deleteRoleAssignments(
  ctx: ProvisionContext,
  role: RuntimeRole,
): Promise<void> {
  const existing = await listAssignments(ctx)
  for (const assignment of managedAssignments(ctx, role)) {
    if (!existing.some((a) => a.name?.toLowerCase() === assignment.name)) continue
    await ctx.recorder.apply({ action: 'delete', kind: ROLE_ASSIGNMENT, id: assignment.id }, () =>
      deleteAssignment(ctx, assignment.name),
    )
  }
  await deleteFormerPrincipals(ctx, role, existing)
}

/**
 * The assignments of the custom role that provisioning did not make: by hand or by Terraform, of
 * any principal, at the registry or anywhere else in its resource group (where the role is
 * assignable). ARM refuses to delete a role definition an assignment names, so `deprovision`
 * reads these (every page) before its first change and refuses while there are any: deleting
 * our assignments first and then failing on the role would leave a half-undone binding that a
 * dry run had reported as deleted.
 */
export function othersAssignmentsOfRole(
  ctx: ProvisionContext,
  role: RuntimeRole,
): Promise<RoleAssignment[]> {
  return ctx.call(
    { operation: 'list role assignments', resource: ctx.resourceGroupId },
    async (abortSignal) => {
      const found: RoleAssignment[] = []
      // Without a filter ARM lists the assignments at, above and below the scope.
      const pages = ctx.authorization.roleAssignments.listForScope(armScope(ctx.resourceGroupId), {
        abortSignal,
      })
      for await (const assignment of pages) {
        if (roleGuid(assignment.roleDefinitionId) !== role.name.toLowerCase()) continue
        const atRegistry = assignment.scope?.toLowerCase() === ctx.registryId.toLowerCase()
        if (atRegistry && madeByProvisioning(ctx, role, assignment)) continue
        found.push(assignment)
      }
      return found
    },
  )
}

// --- Internal ---

/** Every assignment provisioning may have made on the registry, the wanted ones first. */
function managedAssignments(ctx: ProvisionContext, role: RuntimeRole): ManagedAssignment[] {
  const { subscriptionId } = ctx.resolved.runtime
  const wantedRoles = RUNTIME_PERMISSIONS[ctx.resolved.credentialsMode].dataPlaneRoles
  const builtIn = (Object.keys(BUILT_IN_ROLE_IDS) as DataPlaneRole[]).map((name) => ({
    roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLE_IDS[name]}`,
    wanted: wantedRoles.includes(name),
  }))
  return [{ roleDefinitionId: role.id, wanted: true }, ...builtIn]
    .sort((a, b) => Number(b.wanted) - Number(a.wanted))
    .map(({ roleDefinitionId, wanted }) => {
      const name = assignmentName(
        ctx,
        ctx.resolved.options.runtimePrincipalId,
        roleGuid(roleDefinitionId),
      )
      const id = `${ctx.registryId}/providers/Microsoft.Authorization/roleAssignments/${name}`
      return { name, id, roleDefinitionId, wanted }
    })
}

/**
 * Every principal's assignments made at the registry itself (not inherited ones): the runtime
 * principal's, and those provisioning made for a former one (see {@link madeByProvisioning}).
 */
function listAssignments(ctx: ProvisionContext): Promise<RoleAssignment[]> {
  return ctx.call(
    { operation: 'list role assignments', resource: ctx.registryId },
    async (abortSignal) => {
      const found: RoleAssignment[] = []
      const pages = ctx.authorization.roleAssignments.listForScope(armScope(ctx.registryId), {
        filter: 'atScope()',
        abortSignal,
      })
      for await (const assignment of pages) {
        if (assignment.scope?.toLowerCase() === ctx.registryId.toLowerCase()) found.push(assignment)
      }
      return found
    },
  )
}

/**
 * Delete, among `atRegistry`, the assignments provisioning made for another principal than the
 * runtime principal of the options: a former one, replaced since. Records each.
 */
async function deleteFormerPrincipals(
  ctx: ProvisionContext,
  role: RuntimeRole,
  atRegistry: readonly RoleAssignment[],
): Promise<void> {
  const principal = ctx.resolved.options.runtimePrincipalId.toLowerCase()
  for (const former of atRegistry) {
    if (former.principalId?.toLowerCase() === principal) continue
    if (!madeByProvisioning(ctx, role, former)) continue
    const name = former.name ?? ''
    const change = {
      action: 'delete' as const,
      kind: ROLE_ASSIGNMENT,
      id: former.id ?? name,
      detail: `of a former runtime principal, ${former.principalId}`,
    }
    await ctx.recorder.apply(change, () => deleteAssignment(ctx, name))
  }
}

/**
 * Whether provisioning made `assignment`, for whichever principal: it names one of the roles
 * provisioning assigns, and its name is the GUID provisioning derives from the registry, that
 * principal and that role. Nobody else names an assignment so.
 */
function madeByProvisioning(
  ctx: ProvisionContext,
  role: RuntimeRole,
  assignment: RoleAssignment,
): boolean {
  const guid = roleGuid(assignment.roleDefinitionId)
  const managed = [roleGuid(role.id), ...Object.values(BUILT_IN_ROLE_IDS)]
  if (!managed.includes(guid) || assignment.principalId === undefined) return false
  return assignment.name?.toLowerCase() === assignmentName(ctx, assignment.principalId, guid)
}

/**
 * The name provisioning gives its assignment of the role whose GUID is `roleId` to `principalId`
 * on the registry: derived, so a rerun finds it, and so its own are told from anyone else's.
 */
function assignmentName(ctx: ProvisionContext, principalId: string, roleId: string): string {
  return deterministicGuid('role assignment', ctx.registryId, principalId, roleId)
}

/**
 * Create one assignment. Entra ID and ARM replicate a new principal or custom role with a delay,
 * during which ARM answers `PrincipalNotFound` or `RoleDefinitionDoesNotExist`: those are asked
 * again after each poll interval, at most {@link REPLICATION_RETRIES} times (a minute by default).
 */
async function createAssignment(
  ctx: ProvisionContext,
  assignment: ManagedAssignment,
): Promise<RoleAssignment> {
  const principalId = ctx.resolved.options.runtimePrincipalId
  for (let retry = 0; ; retry++) {
    try {
      return await ctx.call(
        { operation: 'create role assignment', resource: assignment.id },
        (abortSignal) =>
          ctx.authorization.roleAssignments.create(
            armScope(ctx.registryId),
            assignment.name,
            { roleDefinitionId: assignment.roleDefinitionId, principalId },
            { abortSignal },
          ),
      )
    } catch (err) {
      if (retry >= REPLICATION_RETRIES || !NOT_REPLICATED.test((err as Error).message)) throw err
      await ctx.pause()
    }
  }
}

function deleteAssignment(ctx: ProvisionContext, name: string): Promise<void> {
  return ctx.call({ operation: 'delete role assignment', resource: name }, async (abortSignal) => {
    await ctx.authorization.roleAssignments.delete(armScope(ctx.registryId), name, { abortSignal })
  })
}

/** The GUID at the end of a role definition id, lower-cased. */
function roleGuid(roleDefinitionId: string | undefined): string {
  return (roleDefinitionId ?? '').split('/').pop()?.toLowerCase() ?? ''
}
