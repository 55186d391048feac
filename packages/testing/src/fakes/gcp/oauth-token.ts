import { randomBytes } from 'node:crypto'
import type { FakeRequest, FakeResponse } from '../fake-server.js'
import type { AccessTokens } from './access-tokens.js'

/** @internal The one caller identity the fake's OAuth token endpoint knows, and what it issued. */
export interface OAuthCaller {
  /** The IAM member the caller is, e.g. `user:developer@example.com`. */
  readonly member: string
  readonly clientId: string
  readonly clientSecret: string
  readonly refreshToken: string
  /** Access tokens issued for the refresh token, oldest first. */
  readonly issued: string[]
}

// Google's access tokens last an hour; the token endpoint says one second less.
const ACCESS_TOKEN_SECONDS = 3599

/** @internal A caller identity with fresh random secrets (they never leave the machine). */
export function newOAuthCaller(member: string): OAuthCaller {
  return {
    member,
    clientId: `fake-client-${randomBytes(4).toString('hex')}.apps.googleusercontent.com`,
    clientSecret: `fake-secret-${randomBytes(8).toString('hex')}`,
    refreshToken: `1//fake-refresh-${randomBytes(16).toString('hex')}`,
    issued: [],
  }
}

/** @internal Whether a request is for the OAuth 2.0 token endpoint (`POST /token`). */
export function isOAuthTokenRequest(request: FakeRequest): boolean {
  return request.method === 'POST' && request.url.pathname === '/token'
}

/**
 * @internal The OAuth 2.0 token endpoint for the refresh-token grant, as an authorized user's
 * credentials (`gcloud auth application-default login`) use it: the caller's client and refresh
 * token in, a bearer access token out; errors in the endpoint's own `{error,
 * error_description}` shape.
 */
export function oauthToken(
  request: FakeRequest,
  caller: OAuthCaller,
  accessTokens: AccessTokens,
): FakeResponse {
  const form = new URLSearchParams(request.body)
  const grantType = form.get('grant_type')
  if (grantType !== 'refresh_token') {
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`)
  }
  if (
    form.get('client_id') !== caller.clientId ||
    form.get('client_secret') !== caller.clientSecret
  ) {
    return oauthError(401, 'invalid_client', 'The OAuth client was not found.')
  }
  if (form.get('refresh_token') !== caller.refreshToken) {
    return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.')
  }
  const accessToken = accessTokens.issueToCaller(caller.member, ACCESS_TOKEN_SECONDS)
  caller.issued.push(accessToken)
  return {
    status: 200,
    body: {
      access_token: accessToken,
      expires_in: ACCESS_TOKEN_SECONDS,
      token_type: 'Bearer',
      scope: 'https://www.googleapis.com/auth/cloud-platform',
    },
  }
}

/** @internal An error of the token endpoint: `{ error, error_description }` (RFC 6749). */
export function oauthError(status: number, error: string, description: string): FakeResponse {
  return { status, body: { error, error_description: description } }
}
