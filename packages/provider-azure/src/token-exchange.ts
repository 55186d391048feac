import type { TokenCredential } from '@azure/core-auth'
import type { Clock } from './clock.js'
import type { DataPlaneClient } from './data-plane.js'
import { type AcrTokenClaims, readTokenClaims } from './jwt.js'
import { mapError, platformError } from './map-error.js'
import type { Caller } from './retry.js'

/** Repository actions of an ACR access token. */
export type AcrAction = 'pull' | 'push' | 'delete'

/** What {@link TokenExchange} needs. */
export interface TokenExchangeDeps {
  readonly credential: TokenCredential
  /** Scope of the Entra ID token that is exchanged: ACR's own audience, never ARM's. */
  readonly scope: string
  readonly tenantId: string | undefined
  /** The registry's login server, `service` of the token requests. */
  readonly service: string
  readonly http: DataPlaneClient
  readonly call: Caller
  readonly clock: Clock
}

/** An ACR access token and its expiry, read from its `exp` claim. */
export interface RepositoryToken {
  readonly token: string
  readonly expiresAt: Date
}

/**
 * The username of Basic credentials whose password is an ACR refresh or access token (the null
 * GUID): what ACR documents for `docker login` with a token from this flow.
 */
export const ACR_TOKEN_USERNAME = '00000000-0000-0000-0000-000000000000'

// The API version @azure/container-registry sends to the same endpoints.
const API_VERSION = '2021-07-01'
/** A refresh token this close to its expiry is replaced rather than used. */
const REFRESH_MARGIN_MS = 60_000

/** Which Azure role grants each action, for the message when ACR leaves an action out. */
const ROLE_OF: Readonly<Record<AcrAction, string>> = {
  pull: 'AcrPull',
  push: 'AcrPush',
  delete: 'AcrDelete',
}

/**
 * The ACR token flow: an Entra ID token for ACR's audience from the credential →
 * `POST /oauth2/exchange` → refresh token (cached until a minute before its own `exp`) →
 * `POST /oauth2/token` with scope `repository:{name}:{actions}` → access token. ACR silently drops actions the identity's RBAC
 * does not allow, so the granted `access` claim is checked: a token missing an asked action is a
 * `PERMISSION_DENIED`, never a credential that fails later at push time.
 */
export class TokenExchange {
  readonly #deps: TokenExchangeDeps
  #refresh: { token: string; renewAtMs: number } | undefined

  constructor(deps: TokenExchangeDeps) {
    this.#deps = deps
  }

  /** An access token for exactly `actions` on `repository`. */
  async repositoryToken(
    repository: string,
    actions: readonly AcrAction[],
  ): Promise<RepositoryToken> {
    const token = await this.accessToken(`repository:${repository}:${actions.join(',')}`)
    const claims = readTokenClaims(token, 'access token')
    assertGranted(claims, repository, actions)
    return { token, expiresAt: new Date(claims.exp * 1000) }
  }

  /**
   * An access token for `scope` (`registry:catalog:*`, `repository:{name}:{actions}`), holding
   * what ACR granted of it: check its `access` claim.
   */
  async accessToken(scope: string): Promise<string> {
    const { call, http, service } = this.#deps
    const refreshToken = await this.#refreshToken()
    let body: unknown
    try {
      body = await call('read', { operation: 'get ACR access token', resource: scope }, () =>
        http.postForm(`/oauth2/token?api-version=${API_VERSION}`, {
          grant_type: 'refresh_token',
          service,
          scope,
          refresh_token: refreshToken,
        }),
      )
    } catch (err) {
      // A refused refresh token (revoked, or RBAC changed) must not be used again.
      this.#refresh = undefined
      throw err
    }
    return tokenField(body, 'access_token')
  }

  async #refreshToken(): Promise<string> {
    const { call, http, service, tenantId, clock } = this.#deps
    if (this.#refresh !== undefined && this.#refresh.renewAtMs > clock.now()) {
      return this.#refresh.token
    }
    const aadToken = await this.#aadToken()
    const body = await call('read', { operation: 'ACR token exchange' }, () =>
      http.postForm(`/oauth2/exchange?api-version=${API_VERSION}`, {
        grant_type: 'access_token',
        service,
        access_token: aadToken,
        tenant: tenantId,
      }),
    )
    const token = tokenField(body, 'refresh_token')
    const { exp } = readTokenClaims(token, 'refresh token')
    this.#refresh = { token, renewAtMs: exp * 1000 - REFRESH_MARGIN_MS }
    return token
  }

  async #aadToken(): Promise<string> {
    const { credential, scope } = this.#deps
    let token: Awaited<ReturnType<TokenCredential['getToken']>>
    try {
      token = await credential.getToken(scope)
    } catch (err) {
      throw mapError(err, { operation: 'get Entra ID token', resource: scope })
    }
    if (!token?.token) {
      throw platformError(
        'UNAUTHENTICATED',
        `The credential returned no Entra ID token for ${scope}`,
      )
    }
    return token.token
  }
}

// --- Internal ---

function tokenField(body: unknown, field: 'access_token' | 'refresh_token'): string {
  const value = (body as Record<string, unknown> | null)?.[field]
  if (typeof value === 'string' && value !== '') return value
  throw platformError('INTERNAL', `The registry answered without a "${field}"`)
}

function assertGranted(
  claims: AcrTokenClaims,
  repository: string,
  actions: readonly AcrAction[],
): void {
  const granted = new Set(
    claims.access
      .filter((a) => a.type === 'repository' && a.name === repository)
      .flatMap((a) => a.actions),
  )
  const missing = actions.filter((a) => !granted.has(a) && !granted.has('*'))
  if (missing.length === 0) return
  const roles = missing.map((a) => ROLE_OF[a]).join(', ')
  throw platformError(
    'PERMISSION_DENIED',
    `ACR did not grant ${missing.join(', ')} on "${repository}": the identity lacks the Azure RBAC role for it (${roles}, or a Container Registry Repository role on ABAC registries)`,
  )
}
