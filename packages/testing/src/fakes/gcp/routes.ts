import type { FakeRequest, FakeResponse } from '../fake-server.js'
import type { GarStore } from './gar-store.js'
import { generateAccessToken, type IssuedAccessToken } from './iam-credentials.js'
import type { IamPolicyStore } from './iam-policy-store.js'
import { isOAuthTokenRequest, type OAuthCaller, oauthToken } from './oauth-token.js'
import { googleError } from './responses.js'

/** @internal What the route handlers work on. */
export interface GcpFakeState {
  readonly gar: GarStore
  readonly iam: IamPolicyStore
  readonly tokens: IssuedAccessToken[]
  readonly caller: OAuthCaller
}

interface RouteContext {
  readonly params: readonly string[]
  readonly query: URLSearchParams
  readonly body: unknown
  readonly state: GcpFakeState
}

interface Route {
  readonly operation: string
  readonly method: string
  readonly path: RegExp
  readonly handle: (context: RouteContext) => FakeResponse
}

const LOCATION = String.raw`projects\/[^/]+\/locations\/[^/]+`
const REPOSITORY = String.raw`${LOCATION}\/repositories\/[^/:]+`
const re = (source: string): RegExp => new RegExp(`^${source}$`)

// Artifact Registry v1 and IAM Credentials v1, as the REST transport of the Google SDKs calls them.
const ROUTES: readonly Route[] = [
  {
    operation: 'generateAccessToken',
    method: 'POST',
    path: re(String.raw`projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken`),
    handle: (c) => generateAccessToken(c.params[0] ?? '', c.body, c.state.tokens),
  },
  {
    operation: 'getIamPolicy',
    method: 'GET',
    path: re(`(${REPOSITORY}):getIamPolicy`),
    handle: (c) =>
      withRepository(c, (name) =>
        c.state.iam.read(name, Number(c.query.get('options.requestedPolicyVersion') ?? 0)),
      ),
  },
  {
    operation: 'setIamPolicy',
    method: 'POST',
    path: re(`(${REPOSITORY}):setIamPolicy`),
    handle: (c) => withRepository(c, (name) => c.state.iam.write(name, c.body)),
  },
  {
    operation: 'testIamPermissions',
    method: 'POST',
    path: re(`(${REPOSITORY}):testIamPermissions`),
    // Permissive, like the rest of the fake: every permission asked for is held.
    handle: (c) =>
      withRepository(c, () => ({
        status: 200,
        body: { permissions: (c.body as { permissions?: unknown })?.permissions ?? [] },
      })),
  },
  {
    operation: 'getOperation',
    method: 'GET',
    path: re(String.raw`(${LOCATION}\/operations\/[^/]+)`),
    handle: (c) => c.state.gar.getOperation(c.params[0] ?? ''),
  },
  {
    operation: 'listPackages',
    method: 'GET',
    path: re(`(${REPOSITORY})/packages`),
    handle: (c) =>
      c.state.gar.listPackages(
        c.params[0] ?? '',
        Number(c.query.get('pageSize') ?? 0),
        c.query.get('pageToken') ?? '',
      ),
  },
  {
    operation: 'getPackage',
    method: 'GET',
    path: re(`(${REPOSITORY})/packages/([^/]+)`),
    handle: (c) => c.state.gar.getPackage(c.params[0] ?? '', c.params[1] ?? ''),
  },
  {
    operation: 'deletePackage',
    method: 'DELETE',
    path: re(`(${REPOSITORY})/packages/([^/]+)`),
    handle: (c) => c.state.gar.deletePackage(c.params[0] ?? '', c.params[1] ?? ''),
  },
  {
    operation: 'listRepositories',
    method: 'GET',
    path: re(`(${LOCATION})/repositories`),
    handle: (c) => c.state.gar.listRepositories(c.params[0] ?? ''),
  },
  {
    operation: 'createRepository',
    method: 'POST',
    path: re(`(${LOCATION})/repositories`),
    handle: (c) =>
      c.state.gar.createRepository(c.params[0] ?? '', c.query.get('repositoryId'), c.body),
  },
  {
    operation: 'getRepository',
    method: 'GET',
    path: re(`(${REPOSITORY})`),
    handle: (c) => c.state.gar.getRepository(c.params[0] ?? ''),
  },
  {
    operation: 'deleteRepository',
    method: 'DELETE',
    path: re(`(${REPOSITORY})`),
    handle: (c) => c.state.gar.deleteRepository(c.params[0] ?? '', (n) => c.state.iam.delete(n)),
  },
]

/** @internal The operation a request calls, e.g. `setIamPolicy`; `unknown` when none matches. */
export function operationOf(request: FakeRequest): string {
  if (isOAuthTokenRequest(request)) return 'oauthToken'
  return match(request)?.route.operation ?? 'unknown'
}

/** @internal Answer a request: the token endpoint, or authentication, then the matching route. */
export function dispatch(request: FakeRequest, state: GcpFakeState): FakeResponse {
  if (isOAuthTokenRequest(request)) return oauthToken(request, state.caller)
  if (!/^Bearer \S+$/.test(request.headers.authorization ?? '')) {
    return googleError('UNAUTHENTICATED', 'Request is missing a valid OAuth 2 access token.')
  }
  const found = match(request)
  if (found === undefined) {
    return googleError('NOT_FOUND', `no method ${request.method} ${request.url.pathname}`)
  }
  let body: unknown = {}
  try {
    if (request.body !== '') body = JSON.parse(request.body)
  } catch {
    return googleError('INVALID_ARGUMENT', 'Invalid JSON payload received.')
  }
  return found.route.handle({ params: found.params, query: request.url.searchParams, body, state })
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

function withRepository(c: RouteContext, fn: (name: string) => FakeResponse): FakeResponse {
  const name = c.params[0] ?? ''
  return c.state.gar.has(name)
    ? fn(name)
    : googleError('NOT_FOUND', `Requested entity was not found: ${name}`)
}
