import { assignmentsApplyingAt } from './role-assignments.js'
import { findRoleDefinition } from './role-definitions.js'
import type {
  AcrAction,
  AcrRole,
  AzureFakeState,
  FakeAzureIdentity,
  FakeRoleDefinition,
} from './state.js'

/**
 * The ARM action Azure RBAC checks for each ARM operation of the fake, as Azure names it in role
 * definitions. Polls of an operation's status or result are answered to whoever started it.
 */
const ARM_ACTIONS: Readonly<Record<string, string>> = {
  'registries.get': 'Microsoft.ContainerRegistry/registries/read',
  'registries.checkNameAvailability': 'Microsoft.ContainerRegistry/checkNameAvailability/read',
  'registries.create': 'Microsoft.ContainerRegistry/registries/write',
  'registries.update': 'Microsoft.ContainerRegistry/registries/write',
  'registries.delete': 'Microsoft.ContainerRegistry/registries/delete',
  'registries.generateCredentials':
    'Microsoft.ContainerRegistry/registries/generateCredentials/action',
  'scopeMaps.list': 'Microsoft.ContainerRegistry/registries/scopeMaps/read',
  'scopeMaps.get': 'Microsoft.ContainerRegistry/registries/scopeMaps/read',
  'scopeMaps.create': 'Microsoft.ContainerRegistry/registries/scopeMaps/write',
  'scopeMaps.update': 'Microsoft.ContainerRegistry/registries/scopeMaps/write',
  'scopeMaps.delete': 'Microsoft.ContainerRegistry/registries/scopeMaps/delete',
  'tokens.list': 'Microsoft.ContainerRegistry/registries/tokens/read',
  'tokens.get': 'Microsoft.ContainerRegistry/registries/tokens/read',
  'tokens.create': 'Microsoft.ContainerRegistry/registries/tokens/write',
  'tokens.delete': 'Microsoft.ContainerRegistry/registries/tokens/delete',
  'roleDefinitions.get': 'Microsoft.Authorization/roleDefinitions/read',
  'roleDefinitions.create': 'Microsoft.Authorization/roleDefinitions/write',
  'roleDefinitions.delete': 'Microsoft.Authorization/roleDefinitions/delete',
  'roleAssignments.get': 'Microsoft.Authorization/roleAssignments/read',
  'roleAssignments.list': 'Microsoft.Authorization/roleAssignments/read',
  'roleAssignments.create': 'Microsoft.Authorization/roleAssignments/write',
  'roleAssignments.delete': 'Microsoft.Authorization/roleAssignments/delete',
}

/** The Azure action that gives each repository action at the token exchange. */
const REGISTRY_ACTIONS: Readonly<Record<AcrAction, string>> = {
  pull: 'Microsoft.ContainerRegistry/registries/pull/read',
  push: 'Microsoft.ContainerRegistry/registries/push/write',
  delete: 'Microsoft.ContainerRegistry/registries/artifacts/delete',
}

/**
 * The repository actions each built-in data-plane role gives at the token exchange: `AcrPull`
 * pulls, `AcrPush` pushes and pulls, `AcrDelete` deletes (artifacts, tags, repositories).
 */
const ROLE_ACTIONS: Readonly<Record<AcrRole, readonly AcrAction[]>> = {
  AcrPull: ['pull'],
  AcrPush: ['pull', 'push'],
  AcrDelete: ['delete'],
}

const ALL_ACTIONS: readonly AcrAction[] = ['pull', 'push', 'delete']

/** @internal The ARM action `operation` needs, or `undefined` for an operation poll. */
export function armActionOf(operation: string): string | undefined {
  return ARM_ACTIONS[operation]
}

/** Where a permission is asked: the state's role assignments apply at `scope` and above. */
export interface RbacScope {
  readonly state: AzureFakeState
  /** A resource id (`/subscriptions/…/registries/{name}`) or any path below it. */
  readonly scope: string
}

/**
 * @internal Whether `identity` holds the ARM action `action`: one of its `armActions` names it,
 * or names it with `*` wildcards (`Microsoft.ContainerRegistry/registries/scopeMaps/*`), ignoring
 * case as Azure RBAC does. For an identity whose permissions come from role assignments: a role
 * assigned to it at `at.scope` or above allows it (and its `notActions` do not take it away).
 */
export function holdsArmAction(
  identity: FakeAzureIdentity,
  action: string,
  at?: RbacScope,
): boolean {
  if (identity.permissionsFrom === 'role-assignments') {
    return at !== undefined && rolesAt(identity, at).some((role) => allows(role, action))
  }
  const held = identity.armActions ?? ['*']
  return held.some((pattern) => wildcard(pattern).test(action))
}

/**
 * @internal The repository actions the identity's data-plane roles give: `registryActions` when
 * set, else what its `acrRoles` give together, else everything. For an identity whose
 * permissions come from role assignments: what the roles assigned to it at `at.scope` or above
 * allow (`…/pull/read` pulls, `…/push/write` pushes, `…/artifacts/delete` deletes).
 */
export function registryActionsOf(
  identity: FakeAzureIdentity,
  at?: RbacScope,
): readonly AcrAction[] {
  if (identity.permissionsFrom === 'role-assignments') {
    const roles = at === undefined ? [] : rolesAt(identity, at)
    return ALL_ACTIONS.filter((a) => roles.some((role) => allows(role, REGISTRY_ACTIONS[a])))
  }
  if (identity.registryActions !== undefined) return identity.registryActions
  if (identity.acrRoles === undefined) return ALL_ACTIONS
  const given = new Set(identity.acrRoles.flatMap((role) => ROLE_ACTIONS[role] ?? []))
  return ALL_ACTIONS.filter((action) => given.has(action))
}

// --- Internal ---

function rolesAt(identity: FakeAzureIdentity, at: RbacScope): FakeRoleDefinition[] {
  if (identity.objectId === undefined) return []
  return assignmentsApplyingAt(at.state, identity.objectId, at.scope)
    .map((a) => findRoleDefinition(at.state, a.roleDefinitionId))
    .filter((role) => role !== undefined)
}

function allows(role: FakeRoleDefinition, action: string): boolean {
  const matches = (pattern: string) => wildcard(pattern).test(action)
  return role.actions.some(matches) && !role.notActions.some(matches)
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${escaped}$`, 'i')
}
