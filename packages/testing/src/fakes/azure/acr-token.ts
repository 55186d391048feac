import { randomUUID } from 'node:crypto'
import { parseBasic } from '@artifact-registry/registry-server'
import type { FakeRequest, FakeResponse } from '../fake-server.js'
import type { AcrContext } from './acr.js'
import {
  type BasicCredentials,
  type BasicVerification,
  grantedActions,
  refreshTokenGrant,
  type TokenAccess,
  type TokenGrant,
} from './acr-grants.js'
import { encodeFakeJwt, type FakeTokenClaims } from './jwt.js'
import { REPOSITORY_NAME_SOURCE } from './repository-name.js'
import { acrError, formOf, json } from './responses.js'

/** `repository:{name}:{actions}`, the name in the OCI grammar ACR takes (`web__app`, `a--b/c`). */
const SCOPE = new RegExp(`^repository:(${REPOSITORY_NAME_SOURCE}):([a-z_*]+(?:,[a-z_*]+)*)$`)
const CATALOG_SCOPE = 'registry:catalog:*'

/**
 * `/oauth2/token`: an ACR access token whose `access` claim is what was asked for, minus what the
 * credential does not allow. Three ways in, as ACR documents them:
 * - `GET ?service=…&scope=…` with `Authorization: Basic` (what docker, podman and skopeo send
 *   after the registry's Bearer challenge), checked by `state.basicVerifiers`, or without
 *   credentials at a registry with anonymous pull enabled (`pull` on any repository);
 * - `POST` form `grant_type=refresh_token` with an ACR refresh token from `/oauth2/exchange`;
 * - `POST` form `grant_type=password` with `username` and `password`, checked like Basic.
 * `scope` may repeat, and each may hold several space-separated scopes; none asks for nothing
 * (docker's login check); `registry:catalog:*` asks to list the repositories. The token expires `accessTokenSeconds` after it is issued, on the
 * fake's clock, or when the credential it was issued on does, whichever comes first.
 */
export function accessTokenRoute(request: FakeRequest, ctx: AcrContext): FakeResponse {
  const params = request.method === 'GET' ? request.url.searchParams : formOf(request)
  const service = params.get('service') ?? ''
  if (service !== request.headers.host) {
    return unauthorized('the service does not match this registry')
  }
  const verification: BasicVerification = { service, nowSeconds: ctx.clock.epochSeconds() }
  const grant = grantOf(request, params, ctx, verification)
  if ('status' in grant) return grant
  const access: TokenAccess[] = []
  for (const scope of params
    .getAll('scope')
    .flatMap((s) => s.split(' '))
    .filter(Boolean)) {
    if (scope === CATALOG_SCOPE) {
      const actions = grant.allowed('registry', 'catalog').includes('*') ? ['*'] : []
      access.push({ type: 'registry', name: 'catalog', actions })
      continue
    }
    const m = SCOPE.exec(scope)
    if (m?.[1] === undefined || m[2] === undefined) {
      return acrError(400, 'UNSUPPORTED', `invalid scope "${scope}"`)
    }
    const actions = grantedActions(grant, m[1], new Set(m[2].split(',')))
    access.push({ type: 'repository', name: m[1], actions })
  }
  const now = verification.nowSeconds
  const claims: FakeTokenClaims = {
    jti: randomUUID(),
    sub: grant.subject,
    nbf: now,
    exp: Math.min(now + ctx.accessTokenSeconds, grant.exp ?? Number.POSITIVE_INFINITY),
    iat: now,
    iss: 'Azure Container Registry',
    aud: service,
    version: '1.0',
    access,
  }
  const token = encodeFakeJwt(claims)
  ctx.state.accessTokens.set(token, claims)
  return json(200, { access_token: token })
}

// --- Internal ---

function grantOf(
  request: FakeRequest,
  params: URLSearchParams,
  ctx: AcrContext,
  verification: BasicVerification,
): TokenGrant | FakeResponse {
  if (request.method === 'GET') {
    const credentials = parseBasic(request.headers.authorization)
    if (credentials !== undefined) return verified(credentials, ctx, verification)
    return anonymousGrant(ctx, verification) ?? unauthorized('basic authentication required')
  }
  const grantType = params.get('grant_type')
  if (grantType === 'refresh_token') {
    const token = params.get('refresh_token') ?? ''
    return (
      refreshTokenGrant(token, ctx.state, ctx.identities, verification) ??
      unauthorized('the refresh token is invalid, expired or for another service')
    )
  }
  if (grantType === 'password') {
    const credentials = {
      username: params.get('username') ?? '',
      password: params.get('password') ?? '',
    }
    return verified(credentials, ctx, verification)
  }
  return acrError(400, 'UNSUPPORTED', 'grant_type must be refresh_token or password')
}

/**
 * What a request without credentials gets at a registry with anonymous pull enabled: `pull` on
 * every repository, as ACR documents it (docker and skopeo then pull without logging in);
 * `undefined` at any other registry.
 */
function anonymousGrant(ctx: AcrContext, verification: BasicVerification): TokenGrant | undefined {
  const registry = ctx.state.registries.get(ctx.state.loginServers.get(verification.service) ?? '')
  if (registry?.anonymousPullEnabled !== true) return undefined
  return {
    subject: 'anonymous',
    allowed: (type) => (type === 'repository' ? ['pull'] : []),
  }
}

function verified(
  credentials: BasicCredentials,
  ctx: AcrContext,
  verification: BasicVerification,
): TokenGrant | FakeResponse {
  for (const verify of ctx.state.basicVerifiers) {
    const grant = verify(credentials, verification)
    if (grant !== undefined) return grant
  }
  return unauthorized('invalid username or password')
}

function unauthorized(message: string): FakeResponse {
  return acrError(401, 'UNAUTHORIZED', message)
}
