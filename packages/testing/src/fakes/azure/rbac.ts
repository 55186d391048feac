import type { AcrAction, AcrRole, FakeAzureIdentity } from './state.js'

/**
 * The ARM action Azure RBAC checks for each ARM operation of the fake, as Azure names it in role
 * definitions. Polls of an operation's status or result are answered to whoever started it.
 */
const ARM_ACTIONS: Readonly<Record<string, string>> = {
  'registries.get': 'Microsoft.ContainerRegistry/registries/read',
  'registries.create': 'Microsoft.ContainerRegistry/registries/write',
  'registries.delete': 'Microsoft.ContainerRegistry/registries/delete',
  'registries.generateCredentials':
    'Microsoft.ContainerRegistry/registries/generateCredentials/action',
  'scopeMaps.list': 'Microsoft.ContainerRegistry/registries/scopeMaps/read',
  'scopeMaps.get': 'Microsoft.ContainerRegistry/registries/scopeMaps/read',
  'scopeMaps.create': 'Microsoft.ContainerRegistry/registries/scopeMaps/write',
  'scopeMaps.delete': 'Microsoft.ContainerRegistry/registries/scopeMaps/delete',
  'tokens.list': 'Microsoft.ContainerRegistry/registries/tokens/read',
  'tokens.get': 'Microsoft.ContainerRegistry/registries/tokens/read',
  'tokens.create': 'Microsoft.ContainerRegistry/registries/tokens/write',
  'tokens.delete': 'Microsoft.ContainerRegistry/registries/tokens/delete',
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

/**
 * @internal Whether `identity` holds the ARM action `action`: one of its `armActions` names it,
 * or names it with `*` wildcards (`Microsoft.ContainerRegistry/registries/scopeMaps/*`), ignoring
 * case as Azure RBAC does.
 */
export function holdsArmAction(identity: FakeAzureIdentity, action: string): boolean {
  const held = identity.armActions ?? ['*']
  return held.some((pattern) => wildcard(pattern).test(action))
}

/**
 * @internal The repository actions the identity's data-plane roles give: `registryActions` when
 * set, else what its `acrRoles` give together, else everything.
 */
export function registryActionsOf(identity: FakeAzureIdentity): readonly AcrAction[] {
  if (identity.registryActions !== undefined) return identity.registryActions
  if (identity.acrRoles === undefined) return ALL_ACTIONS
  const given = new Set(identity.acrRoles.flatMap((role) => ROLE_ACTIONS[role] ?? []))
  return ALL_ACTIONS.filter((action) => given.has(action))
}

// --- Internal ---

function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${escaped}$`, 'i')
}
