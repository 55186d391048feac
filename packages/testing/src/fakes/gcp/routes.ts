import type { FakeRequest, FakeResponse } from '../fake-server.js'
import type { AccessTokens } from './access-tokens.js'
import type { GarDataPlane } from './data-plane.js'
import type { GarStore } from './gar-store.js'
import { generateAccessToken, type IssuedAccessToken } from './iam-credentials.js'
import type { IamPolicyStore } from './iam-policy-store.js'
import { type Identities, serviceAccountResource } from './identities.js'
import { isOAuthTokenRequest, type OAuthCaller, oauthToken } from './oauth-token.js'
import { googleError } from './responses.js'
import type { Roles } from './roles.js'
import { SERVICE_ACCOUNT_ROUTES } from './service-account-routes.js'
import { insufficientScopes, restScopesAllow } from './token-scopes.js'

/** @internal What the route handlers work on. */
export interface GcpFakeState {
  readonly gar: GarStore
  readonly iam: IamPolicyStore
  readonly roles: Roles
  readonly identities: Identities
  readonly accessTokens: AccessTokens
  readonly tokens: IssuedAccessToken[]
  readonly caller: OAuthCaller
  readonly dataPlane: GarDataPlane
  /** The fake's `pageLimit` option: the most items one page of a list holds. */
  readonly pageLimit: number | undefined
}

/** @internal What a route handler gets. */
export interface RouteContext {
  readonly params: readonly string[]
  readonly query: URLSearchParams
  readonly body: unknown
  readonly state: GcpFakeState
  /** The member whose access token signed the request. */
  readonly member: string
}

/** @internal One REST method of the fake. */
export interface Route {
  readonly operation: string
  readonly method: string
  readonly path: RegExp
  /**
   * The IAM permission the call needs: on the repository or service account of the first path
   * parameter, or on the project (`scope: 'project'`). Absent when the handler checks on its own.
   */
  readonly permission?: string
  readonly scope?: 'project'
  /**
   * The call only reads Artifact Registry: its reference accepts a `cloud-platform.read-only`
   * token too. Every other call needs `cloud-platform` (see `restScopesAllow`).
   */
  readonly readsRegistry?: true
  readonly handle: (context: RouteContext) => FakeResponse | Promise<FakeResponse>
}

const LOCATION = String.raw`projects\/[^/]+\/locations\/[^/]+`
const REPOSITORY = String.raw`${LOCATION}\/repositories\/[^/:]+`
const re = (source: string): RegExp => new RegExp(`^${source}$`)
const AR = 'artifactregistry'

// Artifact Registry v1, IAM v1 and IAM Credentials v1, as the REST transport of the Google SDKs
// and google-auth-library's authenticated requests call them.
const ROUTES: readonly Route[] = [
  ...SERVICE_ACCOUNT_ROUTES,
  {
    operation: 'generateAccessToken',
    method: 'POST',
    path: re(String.raw`projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken`),
    handle: (c) =>
      generateAccessToken(c.params[0] ?? '', c.body, {
        caller: c.member,
        identities: c.state.identities,
        accessTokens: c.state.accessTokens,
        issued: c.state.tokens,
      }),
  },
  {
    operation: 'getIamPolicy',
    readsRegistry: true,
    method: 'GET',
    path: re(`(${REPOSITORY}):getIamPolicy`),
    permission: `${AR}.repositories.getIamPolicy`,
    handle: (c) =>
      withRepository(c, (name) =>
        c.state.iam.read(name, c.query.get('options.requestedPolicyVersion')),
      ),
  },
  {
    operation: 'setIamPolicy',
    method: 'POST',
    path: re(`(${REPOSITORY}):setIamPolicy`),
    permission: `${AR}.repositories.setIamPolicy`,
    handle: (c) => withRepository(c, (name) => c.state.iam.write(name, c.body)),
  },
  {
    operation: 'testIamPermissions',
    readsRegistry: true,
    method: 'POST',
    path: re(`(${REPOSITORY}):testIamPermissions`),
    // Anyone may ask; the answer is the subset of the permissions the caller holds.
    handle: (c) =>
      withRepository(c, (name) => {
        const asked = (c.body as { permissions?: unknown } | null)?.permissions
        const list = Array.isArray(asked) ? asked.filter((p) => typeof p === 'string') : []
        return { status: 200, body: { permissions: list.filter((p) => holds(c, name, p)) } }
      }),
  },
  {
    operation: 'getOperation',
    readsRegistry: true,
    method: 'GET',
    path: re(String.raw`(${LOCATION}\/operations\/[^/]+)`),
    handle: (c) => c.state.gar.getOperation(c.params[0] ?? ''),
  },
  {
    operation: 'listPackages',
    readsRegistry: true,
    method: 'GET',
    path: re(`(${REPOSITORY})/packages`),
    permission: `${AR}.packages.list`,
    handle: (c) =>
      c.state.gar.listPackages(
        c.params[0] ?? '',
        Number(c.query.get('pageSize') ?? 0),
        c.query.get('pageToken') ?? '',
      ),
  },
  {
    operation: 'getPackage',
    readsRegistry: true,
    method: 'GET',
    path: re(`(${REPOSITORY})/packages/([^/]+)`),
    permission: `${AR}.packages.get`,
    handle: (c) => c.state.gar.getPackage(c.params[0] ?? '', c.params[1] ?? ''),
  },
  {
    operation: 'deletePackage',
    method: 'DELETE',
    path: re(`(${REPOSITORY})/packages/([^/]+)`),
    permission: `${AR}.packages.delete`,
    handle: async (c) => {
      const [repository = '', id = ''] = c.params
      const answer = c.state.gar.deletePackage(repository, id)
      // The package's versions and tags go with it: so does its content on the registry.
      if (answer.status === 200) await c.state.dataPlane.removeImagePath(dockerPath(repository, id))
      return answer
    },
  },
  {
    operation: 'listRepositories',
    readsRegistry: true,
    method: 'GET',
    path: re(`(${LOCATION})/repositories`),
    permission: `${AR}.repositories.list`,
    scope: 'project',
    handle: (c) => c.state.gar.listRepositories(c.params[0] ?? ''),
  },
  {
    operation: 'createRepository',
    method: 'POST',
    path: re(`(${LOCATION})/repositories`),
    permission: `${AR}.repositories.create`,
    scope: 'project',
    handle: (c) =>
      c.state.gar.createRepository(c.params[0] ?? '', c.query.get('repositoryId'), c.body),
  },
  {
    operation: 'getRepository',
    readsRegistry: true,
    method: 'GET',
    path: re(`(${REPOSITORY})`),
    permission: `${AR}.repositories.get`,
    handle: (c) => c.state.gar.getRepository(c.params[0] ?? ''),
  },
  {
    operation: 'updateRepository',
    method: 'PATCH',
    path: re(`(${REPOSITORY})`),
    permission: `${AR}.repositories.update`,
    handle: (c) =>
      c.state.gar.updateRepository(c.params[0] ?? '', c.query.get('updateMask'), c.body),
  },
  {
    operation: 'deleteRepository',
    method: 'DELETE',
    path: re(`(${REPOSITORY})`),
    permission: `${AR}.repositories.delete`,
    handle: async (c) => {
      const repository = c.params[0] ?? ''
      const answer = c.state.gar.deleteRepository(repository, (n) => c.state.iam.delete(n))
      if (answer.status === 200) {
        await c.state.dataPlane.removeImagePathsUnder(dockerPath(repository, ''))
      }
      return answer
    },
  },
]

/** @internal The operation a request calls, e.g. `setIamPolicy`; `unknown` when none matches. */
export function operationOf(request: FakeRequest): string {
  if (isOAuthTokenRequest(request)) return 'oauthToken'
  return match(request)?.route.operation ?? 'unknown'
}

/**
 * @internal Answer a request: the token endpoint; or authentication (a bearer token the fake
 * issued, not expired), the permission of the call, then the matching route.
 */
export async function dispatch(request: FakeRequest, state: GcpFakeState): Promise<FakeResponse> {
  if (isOAuthTokenRequest(request)) return oauthToken(request, state.caller, state.accessTokens)
  const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1]
  const member = token === undefined ? undefined : state.accessTokens.holder(token)
  if (member === undefined) {
    return googleError(
      'UNAUTHENTICATED',
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    )
  }
  const found = match(request)
  if (found === undefined) {
    return googleError('NOT_FOUND', `no method ${request.method} ${request.url.pathname}`)
  }
  if (!restScopesAllow(state.accessTokens.scopes(token ?? ''), found.route.readsRegistry === true))
    return insufficientScopes()
  let body: unknown = {}
  try {
    if (request.body !== '') body = JSON.parse(request.body)
  } catch {
    return googleError('INVALID_ARGUMENT', 'Invalid JSON payload received.')
  }
  const context = { params: found.params, query: request.url.searchParams, body, state, member }
  const denied = deniedBy(found.route, context)
  return denied ?? found.route.handle(context)
}

// --- Internal ---

function match(request: FakeRequest): { route: Route; params: string[] } | undefined {
  const path = decodedPath(request.url.pathname)
  if (path === undefined) return undefined
  for (const route of ROUTES) {
    if (route.method !== request.method) continue
    const m = route.path.exec(path)
    if (m !== null) return { route, params: m.slice(1) }
  }
  return undefined
}

// Each path segment is decoded once, as Google does: a package id such as `a%2Fb` arrives as
// `a%252Fb` and stays one segment.
function decodedPath(pathname: string): string | undefined {
  if (!pathname.startsWith('/v1/')) return undefined
  try {
    return pathname.slice(4).split('/').map(decodeURIComponent).join('/')
  } catch {
    return undefined
  }
}

/**
 * IAM's refusal when the member lacks the route's permission. IAM checks before it looks, so a
 * resource that does not exist is refused the same way ("or it may not exist").
 */
function deniedBy(route: Route, c: RouteContext): FakeResponse | undefined {
  const { permission } = route
  if (permission === undefined) return undefined
  const resource = c.params[0] ?? ''
  const granted =
    c.member === c.state.identities.caller ||
    grantedOnProject(c, resource, permission) ||
    (route.scope !== 'project' && holds(c, resource, permission))
  if (granted) return undefined
  return googleError(
    'PERMISSION_DENIED',
    `Permission "${permission}" denied on resource "${resource}" (or it may not exist).`,
  )
}

/**
 * Whether the request's member holds `permission` on the repository or service account. The
 * caller holds all.
 */
function holds(c: RouteContext, resource: string, permission: string): boolean {
  if (c.member === c.state.identities.caller) return true
  const account = c.state.identities.resolveServiceAccount(resource)
  const policyResource = c.state.gar.has(resource)
    ? resource
    : account && serviceAccountResource(account)
  if (policyResource === undefined) return false
  return c.state.roles.grants(c.state.iam.get(policyResource), c.member, permission)
}

/**
 * Whether the request's member holds `permission` through the IAM policy of the project the
 * resource name starts with (`projects/{project}/…`): what a project grants, every repository
 * and service account in it inherits.
 */
function grantedOnProject(c: RouteContext, resource: string, permission: string): boolean {
  // `projects/-/serviceAccounts/{email}` names the account's own project.
  const account = c.state.identities.resolveServiceAccount(resource)
  const project = account?.projectId ?? /^projects\/([^/]+)/.exec(resource)?.[1]
  if (project === undefined || project === '-') return false
  return c.state.roles.grants(c.state.iam.get(`projects/${project}`), c.member, permission)
}

function withRepository(c: RouteContext, fn: (name: string) => FakeResponse): FakeResponse {
  const name = c.params[0] ?? ''
  return c.state.gar.has(name)
    ? fn(name)
    : googleError('NOT_FOUND', `Requested entity was not found: ${name}`)
}

/**
 * `{project}/{repository}/{image path}` on the registry host, of a repository resource and a
 * URL-encoded package id (`''` for the repository's prefix).
 */
function dockerPath(repository: string, packageId: string): string {
  const [, project, , , , id] = repository.split('/')
  return `${project}/${id}/${decodeURIComponent(packageId)}`
}
