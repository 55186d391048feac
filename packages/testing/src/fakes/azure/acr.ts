import { randomUUID } from 'node:crypto'
import type { FakeRequest, FakeResponse } from '../fake-server.js'
import { encodeFakeJwt, epochSeconds, type FakeTokenClaims } from './jwt.js'
import { acrError, bearerOf, formOf, json } from './responses.js'
import type { AcrAction, AzureFakeState, FakeAzureIdentity } from './state.js'

/** What the data-plane routes need. */
export interface AcrContext {
  readonly state: AzureFakeState
  readonly identities: readonly FakeAzureIdentity[]
  readonly accessTokenSeconds: number
  readonly refreshTokenSeconds: number
}

/** One entry of an ACR access token's `access` claim (the Docker token format). */
export interface AcrAccess {
  type: 'repository'
  name: string
  actions: AcrAction[]
}

const ALL_ACTIONS: readonly AcrAction[] = ['pull', 'push', 'delete']
const SCOPE = /^repository:([a-z0-9]+(?:[._\-/][a-z0-9]+)*):([a-z*]+(?:,[a-z*]+)*)$/
// ACR accepts AAD tokens for ARM and for its own audience.
const EXCHANGE_AUDIENCES = /^https:\/\/(management\.|containerregistry\.azure\.net)/

/** The data-plane operation a request is for, or `undefined`. */
export function acrOperation(request: FakeRequest): string | undefined {
  const { method } = request
  const path = request.url.pathname
  if (method === 'POST' && path === '/oauth2/exchange') return 'acr.exchange'
  if (method === 'POST' && path === '/oauth2/token') return 'acr.token'
  if (method === 'DELETE' && path.startsWith('/acr/v1/')) return 'acr.deleteRepository'
  if (method === 'GET' && path === '/v2/') return 'acr.ping'
  return undefined
}

/**
 * The ACR data plane: `/oauth2/exchange` (AAD token → refresh token), `/oauth2/token` (refresh
 * token + scope → access token whose `access` claim is what was asked for, minus what the
 * identity's RBAC does not allow), repository deletion and the `/v2/` login check.
 */
export function acrRoute(request: FakeRequest, operation: string, ctx: AcrContext): FakeResponse {
  switch (operation) {
    case 'acr.exchange':
      return exchange(request, ctx)
    case 'acr.token':
      return accessToken(request, ctx)
    case 'acr.deleteRepository':
      return deleteRepository(request, ctx.state)
    default:
      return validAccess(request, ctx.state) === undefined
        ? challenge(request, undefined)
        : json(200, {})
  }
}

// --- Internal ---

function exchange(request: FakeRequest, ctx: AcrContext): FakeResponse {
  const form = formOf(request)
  if (form.get('grant_type') !== 'access_token') {
    return acrError(400, 'UNSUPPORTED', 'grant_type must be access_token')
  }
  const service = form.get('service')
  if (service !== request.headers.host)
    return unauthorized('the service does not match this registry')
  const aad = ctx.state.aadTokens.get(form.get('access_token') ?? '')
  if (aad === undefined || aad.exp <= epochSeconds() || !EXCHANGE_AUDIENCES.test(String(aad.aud))) {
    return unauthorized('the AAD access token is invalid or expired')
  }
  const now = epochSeconds()
  const claims = {
    ...baseClaims(now, service),
    exp: now + ctx.refreshTokenSeconds,
    grant_type: 'refresh_token',
    sub: aad.oid,
    appid: aad.appid,
    tenant: aad.tid,
  }
  const token = encodeFakeJwt(claims)
  ctx.state.refreshTokens.set(token, claims)
  return json(200, { refresh_token: token })
}

function accessToken(request: FakeRequest, ctx: AcrContext): FakeResponse {
  const form = formOf(request)
  if (form.get('grant_type') !== 'refresh_token') {
    return acrError(400, 'UNSUPPORTED', 'grant_type must be refresh_token')
  }
  const refresh = ctx.state.refreshTokens.get(form.get('refresh_token') ?? '')
  const service = form.get('service')
  if (refresh === undefined || refresh.exp <= epochSeconds() || refresh.aud !== service) {
    return unauthorized('the refresh token is invalid, expired or for another service')
  }
  const identity = ctx.identities.find((i) => i.clientId === refresh.appid)
  const allowed = new Set(identity?.registryActions ?? ALL_ACTIONS)
  const access: AcrAccess[] = []
  for (const scope of (form.get('scope') ?? '').split(' ').filter(Boolean)) {
    const m = SCOPE.exec(scope)
    if (m?.[1] === undefined || m[2] === undefined) {
      return acrError(400, 'UNSUPPORTED', `invalid scope "${scope}"`)
    }
    const asked = new Set(m[2].split(','))
    const granted = ALL_ACTIONS.filter((a) => (asked.has(a) || asked.has('*')) && allowed.has(a))
    access.push({ type: 'repository', name: m[1], actions: granted })
  }
  const now = epochSeconds()
  const claims = {
    ...baseClaims(now, service),
    exp: now + ctx.accessTokenSeconds,
    sub: refresh.sub,
    access,
  }
  const token = encodeFakeJwt(claims)
  ctx.state.accessTokens.set(token, claims)
  return json(200, { access_token: token })
}

function deleteRepository(request: FakeRequest, state: AzureFakeState): FakeResponse {
  const name = decodeURIComponent(request.url.pathname.slice('/acr/v1/'.length))
  const access = validAccess(request, state)
  const allowed = access?.some((a) => a.name === name && a.actions.includes('delete')) ?? false
  if (!allowed) return challenge(request, `repository:${name}:delete`)
  const tags = state.repositories.get(name)
  if (tags === undefined) {
    return acrError(404, 'NAME_UNKNOWN', 'repository name not known to registry')
  }
  state.repositories.delete(name)
  return json(202, { manifestsDeleted: [], tagsDeleted: [...tags] })
}

function validAccess(request: FakeRequest, state: AzureFakeState): AcrAccess[] | undefined {
  const claims = state.accessTokens.get(bearerOf(request) ?? '')
  if (claims === undefined || claims.exp <= epochSeconds()) return undefined
  return claims.access as AcrAccess[]
}

function baseClaims(now: number, service: string | null): Omit<FakeTokenClaims, 'exp'> {
  return {
    jti: randomUUID(),
    iat: now,
    nbf: now,
    iss: 'Azure Container Registry',
    aud: service,
    version: '1.0',
  }
}

function unauthorized(message: string): FakeResponse {
  return acrError(401, 'UNAUTHORIZED', message)
}

function challenge(request: FakeRequest, scope: string | undefined): FakeResponse {
  const host = request.headers.host ?? '127.0.0.1'
  const scopePart = scope === undefined ? '' : `,scope="${scope}"`
  return acrError(401, 'UNAUTHORIZED', 'authentication required', {
    'www-authenticate': `Bearer realm="https://${host}/oauth2/token",service="${host}"${scopePart}`,
  })
}
