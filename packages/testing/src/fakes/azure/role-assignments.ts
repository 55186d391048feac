import type { FakeRequest, FakeResponse } from '../fake-server.js'
import { armListPage } from './arm-pages.js'
import type { AuthorizationPath } from './authorization.js'
import { armError, json, parseJson } from './responses.js'
import { findRoleDefinition, GUID, isAtOrBelow } from './role-definitions.js'
import type { AzureFakeState, FakeAzureIdentity, FakeRoleAssignment } from './state.js'

/** What the role-assignment routes need. */
export interface RoleAssignmentContext {
  readonly state: AzureFakeState
  /** The principals that exist: their `objectId`s. */
  readonly identities: readonly FakeAzureIdentity[]
  readonly tenantId: string
  /** Whether the resource a scope names exists (a registry that is gone is not a scope). */
  readonly scopeExists: (scope: string) => boolean
  /** The most assignments one page of a list holds. */
  readonly pageLimit: number
}

/**
 * `roleAssignments.get`, `.create`, `.delete` and `.list` at any scope, with Azure RBAC's rules:
 * the name is a GUID unique in the tenant; the principal and the role definition must exist (and
 * the role be assignable at the scope); principal, role and scope of an existing name never
 * change (`RoleAssignmentUpdateNotPermitted`); one principal holds one role at one scope once
 * (`RoleAssignmentExists`, naming the existing assignment); a `principalType`, when given, is one
 * of the API's values and the principal's own type (`UnmatchedPrincipalType` otherwise). A list
 * without `$filter` gives the assignments at, above and below the scope; `atScope()` leaves out
 * those below; `principalId eq '{id}'` and `assignedTo('{id}')` keep one principal's.
 */
export function roleAssignmentRoute(
  request: FakeRequest,
  operation: string,
  path: AuthorizationPath,
  ctx: RoleAssignmentContext,
): FakeResponse {
  if (!ctx.scopeExists(path.scope)) {
    return armError(404, 'ResourceNotFound', `The scope '${path.scope}' does not exist.`)
  }
  if (operation === 'roleAssignments.list') return listAssignments(request, path, ctx)
  const name = (path.name ?? '').toLowerCase()
  const existing = ctx.state.roleAssignments.get(name)
  const here =
    existing !== undefined && sameScope(existing.scope, path.scope) ? existing : undefined
  if (operation === 'roleAssignments.get') {
    return here === undefined ? notFound(name) : json(200, roleAssignmentBody(here))
  }
  if (operation === 'roleAssignments.delete') {
    if (here === undefined) return { status: 204 }
    ctx.state.roleAssignments.delete(name)
    return json(200, roleAssignmentBody(here))
  }
  return putAssignment(request, path, existing, ctx)
}

/** The ARM body of a role assignment. */
export function roleAssignmentBody(assignment: FakeRoleAssignment): unknown {
  return {
    id: assignment.id,
    name: assignment.name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: {
      scope: assignment.scope,
      roleDefinitionId: assignment.roleDefinitionId,
      principalId: assignment.principalId,
      principalType: assignment.principalType,
      createdOn: assignment.createdOn.toISOString(),
      updatedOn: assignment.createdOn.toISOString(),
    },
  }
}

/** @internal The role assignments of `principalId` that apply at `scope` (there or above). */
export function assignmentsApplyingAt(
  state: AzureFakeState,
  principalId: string,
  scope: string,
): FakeRoleAssignment[] {
  return [...state.roleAssignments.values()].filter(
    (a) => a.principalId.toLowerCase() === principalId.toLowerCase() && isAtOrBelow(scope, a.scope),
  )
}

// --- Internal ---

function putAssignment(
  request: FakeRequest,
  path: AuthorizationPath,
  existing: FakeRoleAssignment | undefined,
  ctx: RoleAssignmentContext,
): FakeResponse {
  const name = path.name ?? ''
  if (!GUID.test(name)) {
    return armError(
      400,
      'InvalidRoleAssignmentId',
      `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`,
    )
  }
  const body = parseJson(request.body) as
    | {
        properties?: { roleDefinitionId?: unknown; principalId?: unknown; principalType?: unknown }
      }
    | undefined
  const { roleDefinitionId, principalId } = body?.properties ?? {}
  // A null principal type is the same as none: the principal's own type applies.
  const principalType = body?.properties?.principalType ?? undefined
  if (typeof roleDefinitionId !== 'string' || typeof principalId !== 'string') {
    return armError(400, 'InvalidRequestContent', 'roleDefinitionId and principalId are required.')
  }
  if (principalType !== undefined && !PRINCIPAL_TYPES.includes(principalType as string)) {
    return armError(
      400,
      'InvalidPrincipalType',
      `The PrincipalType property '${String(principalType)}' is not valid. It must be one of ${PRINCIPAL_TYPES.join(', ')}.`,
    )
  }
  const role = findRoleDefinition(ctx.state, roleDefinitionId)
  if (role === undefined || !role.assignableScopes.some((s) => isAtOrBelow(path.scope, s))) {
    return armError(
      400,
      'RoleDefinitionDoesNotExist',
      `The specified role definition with ID '${roleDefinitionId.split('/').pop()}' does not exist.`,
    )
  }
  if (!ctx.identities.some((i) => i.objectId?.toLowerCase() === principalId.toLowerCase())) {
    return armError(
      400,
      'PrincipalNotFound',
      `Principal ${principalId.replaceAll('-', '')} does not exist in the directory ${ctx.tenantId}.`,
    )
  }
  // Every identity of the fake is an application's service principal: a request that says the
  // principal is of another type is refused once the principal is found, as Azure RBAC does.
  if (principalType !== undefined && principalType !== SERVICE_PRINCIPAL) {
    return armError(
      400,
      'UnmatchedPrincipalType',
      `The PrincipalId '${principalId.replaceAll('-', '')}' has type '${SERVICE_PRINCIPAL}', which is different from specified PrincipalType '${String(principalType)}'.`,
    )
  }
  const same = (a: FakeRoleAssignment) =>
    sameScope(a.scope, path.scope) &&
    a.principalId.toLowerCase() === principalId.toLowerCase() &&
    findRoleDefinition(ctx.state, a.roleDefinitionId) === role
  if (existing !== undefined) {
    if (same(existing)) return json(201, roleAssignmentBody(existing))
    return armError(
      400,
      'RoleAssignmentUpdateNotPermitted',
      'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.',
    )
  }
  const duplicate = [...ctx.state.roleAssignments.values()].find(same)
  if (duplicate !== undefined) {
    return armError(
      409,
      'RoleAssignmentExists',
      `The role assignment already exists. The ID of the existing role assignment is ${duplicate.name.replaceAll('-', '')}.`,
    )
  }
  const assignment: FakeRoleAssignment = {
    id: `${path.scope}/providers/Microsoft.Authorization/roleAssignments/${name.toLowerCase()}`,
    name: name.toLowerCase(),
    scope: path.scope,
    roleDefinitionId,
    principalId,
    principalType: SERVICE_PRINCIPAL,
    createdOn: new Date(),
  }
  ctx.state.roleAssignments.set(assignment.name, assignment)
  return json(201, roleAssignmentBody(assignment))
}

/**
 * The principal types a role assignment may say its principal is (the API's enumeration); any
 * other value is refused as invalid, before the principal is looked up.
 */
const PRINCIPAL_TYPES: readonly string[] = [
  'User',
  'Group',
  'ServicePrincipal',
  'ForeignGroup',
  'Device',
]
const SERVICE_PRINCIPAL = 'ServicePrincipal'

const FILTERS = {
  atScope: /^atScope\(\)$/i,
  principal: /^(?:principalId eq '([^']+)'|assignedTo\('([^']+)'\))$/i,
}

function listAssignments(
  request: FakeRequest,
  path: AuthorizationPath,
  { state, pageLimit }: RoleAssignmentContext,
): FakeResponse {
  const filter = request.url.searchParams.get('$filter')?.trim()
  let atScopeOnly = false
  let principal: string | undefined
  for (const clause of filter === undefined || filter === '' ? [] : filter.split(/\s+and\s+/i)) {
    const p = FILTERS.principal.exec(clause)
    if (FILTERS.atScope.test(clause)) atScopeOnly = true
    else if (p !== null) principal = (p[1] ?? p[2] ?? '').toLowerCase()
    else {
      return armError(400, 'UnsupportedQuery', `The filter '${filter}' is not supported.`)
    }
  }
  const value = [...state.roleAssignments.values()].filter(
    (a) =>
      (isAtOrBelow(path.scope, a.scope) || (!atScopeOnly && isAtOrBelow(a.scope, path.scope))) &&
      (principal === undefined || a.principalId.toLowerCase() === principal),
  )
  // Paged as every ARM list is; a page's token holds only for the same scope and filter.
  const listing = `${path.scope.toLowerCase()}?${filter ?? ''}`
  return armListPage(request, listing, value.map(roleAssignmentBody), pageLimit)
}

function sameScope(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

function notFound(name: string): FakeResponse {
  return armError(404, 'RoleAssignmentNotFound', `The role assignment '${name}' is not found.`)
}
