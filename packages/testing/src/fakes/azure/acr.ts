import { randomUUID } from 'node:crypto'
import type { FakeRequest, FakeResponse } from '../fake-server.js'
import type { TokenAccess } from './acr-grants.js'
import { accessTokenRoute } from './acr-token.js'
import type { FakeClock } from './clock.js'
import type { DataPlaneContent } from './data-plane-content.js'
import { entraEpochSeconds } from './entra.js'
import { encodeFakeJwt } from './jwt.js'
import { acrError, bearerOf, formOf, json } from './responses.js'
import type { AzureFakeState, FakeAzureIdentity } from './state.js'

/** What the login server's routes need. */
export interface AcrContext {
  readonly state: AzureFakeState
  readonly identities: readonly FakeAzureIdentity[]
  readonly clock: FakeClock
  readonly accessTokenSeconds: number
  readonly refreshTokenSeconds: number
  /** Whether `/oauth2/exchange` takes Entra ID tokens for the ARM audience. */
  readonly armAudienceTokens: boolean
  /** The registry's content, for `DELETE /acr/v1/{name}`. */
  readonly content: DataPlaneContent
}

/** The audience of Entra ID tokens meant for ACR itself. */
const ACR_AUDIENCE = 'https://containerregistry.azure.net'
/** ARM's audiences in each cloud (`https://management.azure.com`, …). */
const ARM_AUDIENCE = /^https:\/\/management\./

/** The login-server operation a request is for (other than `/v2/…`), or `undefined`. */
export function acrOperation(request: FakeRequest): string | undefined {
  const { method } = request
  const path = request.url.pathname
  if (method === 'POST' && path === '/oauth2/exchange') return 'acr.exchange'
  if ((method === 'POST' || method === 'GET') && path === '/oauth2/token') return 'acr.token'
  if (method === 'DELETE' && path.startsWith('/acr/v1/')) return 'acr.deleteRepository'
  return undefined
}

/**
 * The login server's own endpoints: `/oauth2/exchange` (Entra ID token → ACR refresh token),
 * `/oauth2/token` (→ ACR access token, see {@link accessTokenRoute}) and `DELETE /acr/v1/{name}`
 * (a repository and every image in it).
 */
export function acrRoute(
  request: FakeRequest,
  operation: string,
  ctx: AcrContext,
): FakeResponse | Promise<FakeResponse> {
  switch (operation) {
    case 'acr.exchange':
      return exchange(request, ctx)
    case 'acr.token':
      return accessTokenRoute(request, ctx)
    default:
      return deleteRepository(request, ctx)
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
  if (aad === undefined || aad.exp <= entraEpochSeconds()) {
    return unauthorized('the AAD access token is invalid or expired')
  }
  const audience = String(aad.aud)
  if (ARM_AUDIENCE.test(audience) && !ctx.armAudienceTokens) {
    return unauthorized(
      `ARM audience tokens are disabled on this registry: ask Entra ID for ${ACR_AUDIENCE}/.default`,
    )
  }
  if (audience !== ACR_AUDIENCE && !ARM_AUDIENCE.test(audience)) {
    return unauthorized(`the AAD access token is for another audience (${audience})`)
  }
  const now = ctx.clock.epochSeconds()
  const claims = {
    jti: randomUUID(),
    sub: aad.oid,
    nbf: now,
    exp: now + ctx.refreshTokenSeconds,
    iat: now,
    iss: 'Azure Container Registry',
    aud: service,
    version: '1.0',
    grant_type: 'refresh_token',
    appid: aad.appid,
    tenant: aad.tid,
  }
  const token = encodeFakeJwt(claims)
  ctx.state.refreshTokens.set(token, claims)
  return json(200, { refresh_token: token })
}

async function deleteRepository(request: FakeRequest, ctx: AcrContext): Promise<FakeResponse> {
  const name = decodeURIComponent(request.url.pathname.slice('/acr/v1/'.length))
  const claims = ctx.state.accessTokens.get(bearerOf(request) ?? '')
  const valid =
    claims !== undefined &&
    claims.exp > ctx.clock.epochSeconds() &&
    claims.aud === request.headers.host
  const access = valid ? (claims.access as TokenAccess[]) : []
  const allowed = access.some(
    (a) => a.type === 'repository' && a.name === name && a.actions.includes('delete'),
  )
  if (!allowed) return challenge(request, `repository:${name}:delete`)
  const content = await ctx.content.content(name)
  if (content === undefined) {
    return acrError(404, 'NAME_UNKNOWN', 'repository name not known to registry')
  }
  await ctx.content.deleteRepository(name)
  return json(202, { manifestsDeleted: content.manifests, tagsDeleted: content.tags })
}

function unauthorized(message: string): FakeResponse {
  return acrError(401, 'UNAUTHORIZED', message)
}

function challenge(request: FakeRequest, scope: string): FakeResponse {
  const host = request.headers.host ?? '127.0.0.1'
  return acrError(401, 'UNAUTHORIZED', 'authentication required', {
    'www-authenticate': `Bearer realm="https://${host}/oauth2/token",service="${host}",scope="${scope}"`,
  })
}
