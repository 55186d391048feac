import type { FakeRequest, FakeResponse } from '../fake-server.js'
import type { AuthorizationPath } from './authorization.js'
import { armError, json, parseJson } from './responses.js'
import type { AzureFakeState, FakeRoleDefinition } from './state.js'

/** The GUID of a role definition or assignment, as ARM requires it. */
export const GUID: RegExp = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The built-in data-plane roles of ACR the fake knows, with their ids and actions as Microsoft's
 * "Azure built-in roles for Containers" lists them.
 */
export const BUILT_IN_ROLES: readonly FakeRoleDefinition[] = [
  builtIn('7f951dda-4ed3-4680-a7ca-43fe172d538d', 'AcrPull', [
    'Microsoft.ContainerRegistry/registries/pull/read',
  ]),
  builtIn('8311e382-0749-4cb8-b61a-304f252e45ec', 'AcrPush', [
    'Microsoft.ContainerRegistry/registries/pull/read',
    'Microsoft.ContainerRegistry/registries/push/write',
  ]),
  builtIn('c2f4ef07-c644-48eb-af81-4b1b4947fb11', 'AcrDelete', [
    'Microsoft.ContainerRegistry/registries/artifacts/delete',
  ]),
]

/**
 * The role definition a role assignment's `roleDefinitionId` names (a built-in one by any of its
 * ids: `/providers/…`, `/subscriptions/{id}/providers/…`), or `undefined`.
 */
export function findRoleDefinition(
  state: AzureFakeState,
  roleDefinitionId: string,
): FakeRoleDefinition | undefined {
  const m = /\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i.exec(
    roleDefinitionId,
  )
  const name = m?.[1]?.toLowerCase()
  if (name === undefined) return undefined
  return BUILT_IN_ROLES.find((r) => r.name === name) ?? state.roleDefinitions.get(name)
}

/**
 * `roleDefinitions.get`, `.create` (PUT, answered 201 for a create and an update alike) and
 * `.delete` of custom roles, with ARM's rules: the name is a GUID, the role name is unique in the
 * tenant, the assignable scopes are where it is defined or below, and a role that is still
 * assigned cannot be deleted.
 */
export function roleDefinitionRoute(
  request: FakeRequest,
  operation: string,
  path: AuthorizationPath,
  state: AzureFakeState,
): FakeResponse {
  const name = path.name ?? ''
  const existing = findRoleDefinition(
    state,
    `/providers/Microsoft.Authorization/roleDefinitions/${name}`,
  )
  if (operation === 'roleDefinitions.get') {
    return existing === undefined ? notFound(name) : json(200, roleDefinitionBody(existing))
  }
  if (operation === 'roleDefinitions.delete') return deleteRole(existing, state)
  return putRole(request, path, existing, state)
}

/** The ARM body of a role definition. */
export function roleDefinitionBody(role: FakeRoleDefinition): unknown {
  return {
    id: role.id,
    name: role.name,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: role.roleName,
      description: role.description,
      type: role.roleType,
      permissions: [
        {
          actions: role.actions,
          notActions: role.notActions,
          dataActions: role.dataActions,
          notDataActions: role.notDataActions,
        },
      ],
      assignableScopes: role.assignableScopes,
    },
  }
}

// --- Internal ---

function builtIn(name: string, roleName: string, actions: string[]): FakeRoleDefinition {
  return {
    id: `/providers/Microsoft.Authorization/roleDefinitions/${name}`,
    name,
    roleName,
    description: roleName,
    roleType: 'BuiltInRole',
    actions,
    notActions: [],
    dataActions: [],
    notDataActions: [],
    assignableScopes: ['/'],
  }
}

interface RoleProperties {
  roleName?: unknown
  description?: unknown
  permissions?: {
    actions?: unknown
    notActions?: unknown
    dataActions?: unknown
    notDataActions?: unknown
  }[]
  assignableScopes?: unknown
}

function putRole(
  request: FakeRequest,
  path: AuthorizationPath,
  existing: FakeRoleDefinition | undefined,
  state: AzureFakeState,
): FakeResponse {
  const name = path.name ?? ''
  if (!GUID.test(name)) {
    return armError(
      400,
      'InvalidRoleDefinitionId',
      `The role definition ID '${name}' is not valid. The role definition ID must be a GUID.`,
    )
  }
  if (existing?.roleType === 'BuiltInRole') {
    return armError(403, 'AuthorizationFailed', 'Built-in role definitions cannot be changed.')
  }
  const body = parseJson(request.body) as { properties?: RoleProperties } | undefined
  const role = parseRole(body?.properties, name, path)
  if ('status' in role) return role
  const clash = [...state.roleDefinitions.values()].find(
    (r) => r.name !== role.name && r.roleName.toLowerCase() === role.roleName.toLowerCase(),
  )
  if (clash !== undefined) {
    return armError(
      409,
      'RoleDefinitionWithSameNameExists',
      'A custom role with the same name already exists in this directory. Use a different name.',
    )
  }
  state.roleDefinitions.set(name.toLowerCase(), role)
  return json(201, roleDefinitionBody(role))
}

function parseRole(
  properties: RoleProperties | undefined,
  name: string,
  path: AuthorizationPath,
): FakeRoleDefinition | FakeResponse {
  const permission = properties?.permissions?.[0]
  const scopes = properties?.assignableScopes
  if (typeof properties?.roleName !== 'string' || properties.roleName.trim() === '') {
    return armError(400, 'InvalidRoleDefinitionName', 'The role name is required.')
  }
  if (properties.permissions?.length !== 1 || !isTextList(permission?.actions ?? [])) {
    return armError(400, 'InvalidPermissions', 'Exactly one permission with actions is required.')
  }
  if (!isTextList(scopes) || scopes.length === 0) {
    return armError(400, 'InvalidAssignableScopes', 'At least one assignable scope is required.')
  }
  // A custom role may be assigned where it is defined, or below: never above, never elsewhere.
  const outside = scopes.find((s) => !isAtOrBelow(s, path.scope))
  if (outside !== undefined) {
    return armError(
      400,
      'InvalidAssignableScopes',
      `The assignable scope '${outside}' is not within the scope '${path.scope}' of the role definition.`,
    )
  }
  const list = (value: unknown) => (isTextList(value) ? [...value] : [])
  return {
    id: `${path.scope}/providers/Microsoft.Authorization/roleDefinitions/${name}`,
    name: name.toLowerCase(),
    roleName: properties.roleName,
    description: typeof properties.description === 'string' ? properties.description : '',
    roleType: 'CustomRole',
    actions: list(permission?.actions),
    notActions: list(permission?.notActions),
    dataActions: list(permission?.dataActions),
    notDataActions: list(permission?.notDataActions),
    assignableScopes: [...scopes],
  }
}

function deleteRole(existing: FakeRoleDefinition | undefined, state: AzureFakeState): FakeResponse {
  if (existing === undefined) return { status: 204 }
  if (existing.roleType === 'BuiltInRole') {
    return armError(403, 'AuthorizationFailed', 'Built-in role definitions cannot be deleted.')
  }
  const assigned = [...state.roleAssignments.values()].some(
    (a) => findRoleDefinition(state, a.roleDefinitionId) === existing,
  )
  if (assigned) {
    return armError(
      409,
      'RoleDefinitionHasAssignments',
      'There are existing role assignments referencing this role. Delete them first.',
    )
  }
  state.roleDefinitions.delete(existing.name)
  return json(200, roleDefinitionBody(existing))
}

function notFound(name: string): FakeResponse {
  return armError(
    404,
    'RoleDefinitionDoesNotExist',
    `The specified role definition with ID '${name}' does not exist.`,
  )
}

function isTextList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '')
}

/** @internal Whether `scope` is `parent` or a scope below it (ARM ids ignore case). */
export function isAtOrBelow(scope: string, parent: string): boolean {
  const s = scope.toLowerCase().replace(/\/+$/, '')
  const p = parent.toLowerCase().replace(/\/+$/, '')
  return p === '' || s === p || s.startsWith(`${p}/`)
}
