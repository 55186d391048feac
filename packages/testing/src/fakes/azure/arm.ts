import type { FakeRequest, FakeResponse } from '../fake-server.js'
import { authorizationOperation, authorizationPath, authorizationRoute } from './authorization.js'
import { childResourceRoute } from './child-resources.js'
import type { FakeClock } from './clock.js'
import { entraEpochSeconds } from './entra.js'
import type { LoginServers } from './login-servers.js'
import type { LroEngine } from './lro.js'
import { nameAvailabilityOperation, nameAvailabilityRoute } from './name-availability.js'
import { armActionOf, holdsArmAction } from './rbac.js'
import { registryRoute } from './registries.js'
import { armError, bearerOf, originOf } from './responses.js'
import { SCOPE_MAPS } from './scope-maps.js'
import type { AzureFakeState, FakeAzureIdentity, FakeSku } from './state.js'
import { generateCredentialsRoute } from './token-passwords.js'
import { TOKENS } from './tokens.js'

// Groups: 1 subscription, 2 resource group, 3 registry, 4 child type, 5 child name, 6 action.
const RESOURCE =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries\/([^/]+)(?:\/(scopeMaps|tokens)(?:\/([^/]+))?|\/(generateCredentials))?$/i
const OPERATION =
  /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/locations\/([^/]+)\/(operationStatuses|operationResults)\/([^/]+)$/i

const VERBS: Readonly<Record<string, string>> = { GET: 'get', PUT: 'create', DELETE: 'delete' }
/**
 * ARM's PATCH: registries and scope maps are updated in place. A PATCH never creates: on a
 * resource that does not exist it is ARM's 404, unlike a PUT.
 */
const UPDATES: Readonly<Record<string, string>> = {
  registries: 'registries.update',
  scopeMaps: 'scopeMaps.update',
}

/** What the ARM routes need: the state, the identities, the LRO engine, the clock and the quotas. */
export interface ArmContext {
  readonly state: AzureFakeState
  /** Whose ARM actions the requests are checked against. */
  readonly identities: readonly FakeAzureIdentity[]
  readonly lro: LroEngine
  readonly clock: FakeClock
  /** Scope maps, and tokens, a registry of each SKU may hold. */
  readonly quotas: Readonly<Record<FakeSku, number>>
  /** The login servers of registries created through ARM (and seeded ones). */
  readonly loginServers: LoginServers
  /** The most resources one page of a list holds (the fake's `armPageLimit`). */
  readonly pageLimit: number
}

/** A parsed ARM resource path. */
export interface ArmPath {
  readonly subscriptionId: string
  readonly resourceGroup: string
  readonly registryName: string
  /** Present for `/scopeMaps` (list) and `/scopeMaps/{name}`. */
  readonly scopeMaps: boolean
  readonly scopeMapName: string | undefined
  /** The name of `/tokens/{name}`. */
  readonly tokenName: string | undefined
  /** `{origin}/subscriptions/{sub}`, where operation URLs live. */
  readonly subscriptionUrl: string
}

/**
 * The ARM operation a request is for (`registries.get`, `scopeMaps.create`, `operationStatuses.get`,
 * …), or `undefined` when it is not an ARM request.
 */
export function armOperation(request: FakeRequest): string | undefined {
  const other = authorizationOperation(request) ?? nameAvailabilityOperation(request)
  if (other !== undefined) return other
  const path = request.url.pathname
  const op = OPERATION.exec(path)
  if (op !== null) return request.method === 'GET' ? `${op[3]}.get` : undefined
  const resource = RESOURCE.exec(path)
  if (resource === null) return undefined
  const [, , , , childType, childName, action] = resource
  if (action !== undefined) {
    return request.method === 'POST' ? 'registries.generateCredentials' : undefined
  }
  const type = childType === undefined ? 'registries' : childTypeOf(childType)
  if (childType !== undefined && childName === undefined) {
    return request.method === 'GET' ? `${type}.list` : undefined
  }
  if (request.method === 'PATCH') return UPDATES[type]
  const verb = VERBS[request.method]
  if (verb === undefined) return undefined
  return `${type}.${verb}`
}

/**
 * ARM for `Microsoft.ContainerRegistry`: registries (get, create, update, delete), scope maps
 * (get, create, update, delete, list) and tokens (get, create, delete, list), token passwords (`generateCredentials`) and the operation URLs of their long-running
 * operations; and `Microsoft.Authorization` (role definitions and assignments). Every request
 * needs a bearer token the fake Entra ID issued for the management audience, and an
 * `api-version`.
 */
export function armRoute(
  request: FakeRequest,
  operation: string,
  ctx: ArmContext,
): FakeResponse | Promise<FakeResponse> {
  const denied = checkAuthorization(request, operation, ctx)
  if (denied !== undefined) return denied
  if (!request.url.searchParams.has('api-version')) {
    return armError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter is required.',
    )
  }
  if (operation.startsWith('role')) return authorizationRoute(request, operation, ctx)
  if (operation === 'registries.checkNameAvailability') {
    return nameAvailabilityRoute(request, ctx.state)
  }
  const op = OPERATION.exec(request.url.pathname)
  if (op?.[4] !== undefined) {
    return op[3]?.toLowerCase() === 'operationstatuses'
      ? ctx.lro.pollStatus(op[4])
      : ctx.lro.pollResult(op[4])
  }
  const path = parsePath(request)
  if (path === undefined) return armError(404, 'NotFound', 'No such resource')
  if (operation === 'registries.generateCredentials') {
    return generateCredentialsRoute(request, path, ctx)
  }
  if (operation.startsWith('registries.')) return registryRoute(request, operation, path, ctx)
  return operation.startsWith('tokens.')
    ? childResourceRoute(TOKENS, request, operation, path, ctx)
    : childResourceRoute(SCOPE_MAPS, request, operation, path, ctx)
}

// --- Internal ---

function checkAuthorization(
  request: FakeRequest,
  operation: string,
  ctx: ArmContext,
): FakeResponse | undefined {
  const token = bearerOf(request)
  const claims = token === undefined ? undefined : ctx.state.aadTokens.get(token)
  if (claims === undefined || claims.exp <= entraEpochSeconds()) {
    return armError(401, 'InvalidAuthenticationToken', 'The access token is invalid or expired.')
  }
  // ARM accepts tokens for its own audience only: a token for another resource is refused.
  if (typeof claims.aud !== 'string' || !/^https:\/\/management\./.test(claims.aud)) {
    return armError(
      401,
      'InvalidAuthenticationTokenAudience',
      `The access token has an invalid audience '${String(claims.aud)}'.`,
    )
  }
  const action = armActionOf(operation)
  const identity = ctx.identities.find((i) => i.clientId === claims.appid)
  // Role assignments apply to the resource the request is about, and below it.
  const scope = authorizationPath(request)?.scope ?? request.url.pathname
  if (
    action === undefined ||
    (identity !== undefined && holdsArmAction(identity, action, { state: ctx.state, scope }))
  ) {
    return undefined
  }
  return armError(
    403,
    'AuthorizationFailed',
    `The client '${String(claims.appid)}' does not have authorization to perform action '${action}' over scope '${request.url.pathname}' or the scope is invalid.`,
  )
}

function parsePath(request: FakeRequest): ArmPath | undefined {
  const m = RESOURCE.exec(request.url.pathname)
  if (m === null || m[1] === undefined || m[2] === undefined || m[3] === undefined) return undefined
  const type = m[4] === undefined ? undefined : childTypeOf(m[4])
  return {
    subscriptionId: m[1],
    resourceGroup: m[2],
    registryName: m[3],
    scopeMaps: type === 'scopeMaps',
    scopeMapName: type === 'scopeMaps' ? m[5] : undefined,
    tokenName: type === 'tokens' ? m[5] : undefined,
    subscriptionUrl: `${originOf(request)}/subscriptions/${m[1]}`,
  }
}

/** The operation prefix of a child resource type (ARM paths ignore case). */
function childTypeOf(segment: string): 'scopeMaps' | 'tokens' {
  return segment.toLowerCase() === 'tokens' ? 'tokens' : 'scopeMaps'
}
