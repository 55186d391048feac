import type { RoleDefinition } from '@azure/arm-authorization'
import { unlessNotFound } from '../arm-resources.js'
import type { ProvisionContext } from './context.js'
import { deterministicGuid } from './ids.js'
import { RUNTIME_PERMISSIONS } from './runtime-permissions.js'

/** The `kind` of the custom role in provisioning changes. */
export const ROLE_DEFINITION = 'role-definition'

/**
 * The custom role of the runtime's ARM actions on one registry: defined in the registry's
 * resource group (custom roles live at a resource group, subscription or management group),
 * assignable there, named after the registry (registry names are global, so the role name is
 * unique in the tenant as Azure requires) and with a GUID derived from the registry's id.
 */
export interface RuntimeRole {
  /** Its GUID. */
  readonly name: string
  /** `{resource group id}/providers/Microsoft.Authorization/roleDefinitions/{name}`. */
  readonly id: string
  readonly roleName: string
  readonly actions: readonly string[]
  readonly assignableScopes: readonly string[]
}

/** The custom role provisioning manages for the registry of `ctx`. */
export function runtimeRole(ctx: ProvisionContext): RuntimeRole {
  const name = deterministicGuid('runtime role', ctx.registryId)
  return {
    name,
    id: `${ctx.resourceGroupId}/providers/Microsoft.Authorization/roleDefinitions/${name}`,
    roleName: `artifact-registry runtime (${ctx.resolved.runtime.registryName})`,
    actions: RUNTIME_PERMISSIONS[ctx.resolved.credentialsMode].armActions,
    assignableScopes: [ctx.resourceGroupId],
  }
}

/** Create the custom role, or put back its actions, name or assignable scopes when they drifted. */
export async function convergeRoleDefinition(ctx: ProvisionContext): Promise<RuntimeRole> {
  const role = runtimeRole(ctx)
  const existing = await readRoleDefinition(ctx, role)
  if (existing === undefined) {
    await ctx.recorder.apply({ action: 'create', kind: ROLE_DEFINITION, id: role.id }, () =>
      putRoleDefinition(ctx, role),
    )
    return role
  }
  const drift = driftOf(existing, role)
  if (drift.length === 0) {
    ctx.recorder.unchanged(ROLE_DEFINITION, role.id)
    return role
  }
  const change = {
    action: 'update' as const,
    kind: ROLE_DEFINITION,
    id: role.id,
    detail: drift.join('; '),
  }
  await ctx.recorder.apply(change, () => putRoleDefinition(ctx, role))
  return role
}

/** Read the custom role; `undefined` when it does not exist. */
export function readRoleDefinition(
  ctx: ProvisionContext,
  role: RuntimeRole,
): Promise<RoleDefinition | undefined> {
  return ctx.call({ operation: 'read role definition', resource: role.id }, (abortSignal) =>
    unlessNotFound(() =>
      ctx.authorization.roleDefinitions.get(armScope(ctx.resourceGroupId), role.name, {
        abortSignal,
      }),
    ),
  )
}

/** Delete the custom role (ARM refuses while any assignment still names it: `CONFLICT`). */
export function deleteRoleDefinition(ctx: ProvisionContext, role: RuntimeRole): Promise<void> {
  return ctx.call(
    { operation: 'delete role definition', resource: role.id },
    async (abortSignal) => {
      await ctx.authorization.roleDefinitions.delete(armScope(ctx.resourceGroupId), role.name, {
        abortSignal,
      })
    },
  )
}

/**
 * A scope as `@azure/arm-authorization` puts it in its paths (`/{scope}/providers/…`): without
 * the leading `/` of an ARM id.
 */
export function armScope(id: string): string {
  return id.replace(/^\/+/, '')
}

// --- Internal ---

function putRoleDefinition(ctx: ProvisionContext, role: RuntimeRole): Promise<RoleDefinition> {
  return ctx.call({ operation: 'write role definition', resource: role.id }, (abortSignal) =>
    ctx.authorization.roleDefinitions.createOrUpdate(
      armScope(ctx.resourceGroupId),
      role.name,
      {
        roleName: role.roleName,
        description: `What the artifact-registry runtime needs on ARM for registry ${ctx.resolved.runtime.registryName}`,
        roleType: 'CustomRole',
        permissions: [
          { actions: [...role.actions], notActions: [], dataActions: [], notDataActions: [] },
        ],
        assignableScopes: [...role.assignableScopes],
      },
      { abortSignal },
    ),
  )
}

function driftOf(existing: RoleDefinition, role: RuntimeRole): string[] {
  const drift: string[] = []
  const [permission, ...more] = existing.permissions ?? []
  const held = [...(permission?.actions ?? [])]
  const extra = [
    ...(permission?.notActions ?? []),
    ...(permission?.dataActions ?? []),
    ...(permission?.notDataActions ?? []),
  ]
  if (more.length > 0 || extra.length > 0 || !sameSet(held, role.actions)) {
    drift.push('actions differ')
  }
  if (existing.roleName !== role.roleName) drift.push('role name differs')
  if (!sameSet(existing.assignableScopes ?? [], role.assignableScopes)) {
    drift.push('assignable scopes differ')
  }
  return drift
}

/** Same strings, ignoring order and case (ARM actions and ids ignore case). */
function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const norm = (list: readonly string[]) => [...new Set(list.map((s) => s.toLowerCase()))].sort()
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b))
}
