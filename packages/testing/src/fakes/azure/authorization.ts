import type { FakeRequest, FakeResponse } from '../fake-server.js'
import type { ArmContext } from './arm.js'
import { roleAssignmentRoute } from './role-assignments.js'
import { roleDefinitionRoute } from './role-definitions.js'
import { registryKey } from './state.js'

/** A parsed `{scope}/providers/Microsoft.Authorization/{type}[/{name}]` path. */
export interface AuthorizationPath {
  /** `/subscriptions/{id}[/resourceGroups/{name}[/providers/…]]`, without a trailing slash. */
  readonly scope: string
  readonly type: 'roleAssignments' | 'roleDefinitions'
  /** The GUID, absent for a list. */
  readonly name: string | undefined
}

// The SDK puts the scope after a `/`, so a scope given with its leading `/` arrives as `//…`.
const PATH =
  /^\/+(subscriptions\/[^/]+(?:\/[^/]+\/[^/]+)*?)\/providers\/Microsoft\.Authorization\/(roleAssignments|roleDefinitions)(?:\/([^/]+))?$/i
const REGISTRY_SCOPE =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries\/([^/]+)$/i
const VERBS: Readonly<Record<string, string>> = { GET: 'get', PUT: 'create', DELETE: 'delete' }

/** The `Microsoft.Authorization` path of a request, if it is one. */
export function authorizationPath(request: FakeRequest): AuthorizationPath | undefined {
  const m = PATH.exec(request.url.pathname)
  if (m?.[1] === undefined || m[2] === undefined) return undefined
  const type = m[2].toLowerCase() === 'roleassignments' ? 'roleAssignments' : 'roleDefinitions'
  return { scope: `/${m[1]}`, type, name: m[3] }
}

/**
 * The operation of a `Microsoft.Authorization` request (`roleAssignments.{get,create,delete,list}`,
 * `roleDefinitions.{get,create,delete}`), or `undefined`.
 */
export function authorizationOperation(request: FakeRequest): string | undefined {
  const path = authorizationPath(request)
  if (path === undefined) return undefined
  if (path.name === undefined) {
    return request.method === 'GET' && path.type === 'roleAssignments'
      ? 'roleAssignments.list'
      : undefined
  }
  const verb = VERBS[request.method]
  return verb === undefined ? undefined : `${path.type}.${verb}`
}

/** Azure RBAC's own API: custom role definitions and role assignments, at any scope. */
export function authorizationRoute(
  request: FakeRequest,
  operation: string,
  ctx: ArmContext,
): FakeResponse {
  const path = authorizationPath(request) as AuthorizationPath
  if (path.type === 'roleDefinitions') {
    return roleDefinitionRoute(request, operation, path, ctx.state)
  }
  return roleAssignmentRoute(request, operation, path, {
    state: ctx.state,
    identities: ctx.identities,
    tenantId: ctx.identities[0]?.tenantId ?? '',
    scopeExists: (scope) => scopeExists(ctx, scope),
    pageLimit: ctx.pageLimit,
  })
}

// --- Internal ---

/** Subscriptions and resource groups always exist in the fake; a registry while it is stored. */
function scopeExists(ctx: ArmContext, scope: string): boolean {
  const registry = REGISTRY_SCOPE.exec(scope)
  if (registry !== null) {
    const [, sub = '', group = '', name = ''] = registry
    return ctx.state.registries.has(registryKey(sub, group, name))
  }
  return /^\/subscriptions\/[^/]+(?:\/resourceGroups\/[^/]+)?$/i.test(scope)
}
