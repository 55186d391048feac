import type { FakeRequest, FakeResponse } from '../fake-server.js'
import { encodeFakeJwt } from './jwt.js'
import { formOf, json, originOf } from './responses.js'
import type { AzureFakeState, FakeAzureIdentity } from './state.js'

/** What the Entra ID routes need. */
export interface EntraContext {
  readonly state: AzureFakeState
  readonly identities: readonly FakeAzureIdentity[]
}

/**
 * Entra ID's time, in seconds since the epoch: the machine's, not the fake's clock. The Azure SDK
 * keeps Entra ID tokens until the machine's clock says they expire (in MSAL and in the bearer
 * policy of every client), so had `advanceClock` moved them on, clients would go on sending
 * tokens the fake calls expired. ARM and `/oauth2/exchange` judge Entra tokens by it too.
 */
export function entraEpochSeconds(): number {
  return Math.floor(Date.now() / 1000)
}

const OPENID = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/
const TOKEN = /^\/([^/]+)\/oauth2\/v2\.0\/token$/

/** One resource identifier followed by `/.default`, what the client-credentials grant takes. */
const CLIENT_CREDENTIALS_SCOPE = /^\S+\/\.default$/

/** Lifetime of Entra ID access tokens the fake issues, as the real service (about an hour). */
const AAD_TOKEN_SECONDS = 3599

/** The Entra ID operation a request is for, or `undefined` when it is not an Entra ID request. */
export function entraOperation(request: FakeRequest): string | undefined {
  const path = request.url.pathname
  if (request.method === 'GET' && OPENID.test(path)) return 'entra.openidConfiguration'
  if (request.method === 'POST' && TOKEN.test(path)) return 'entra.token'
  return undefined
}

/**
 * A minimal Entra ID for `ClientSecretCredential` (MSAL): the OpenID metadata MSAL reads first,
 * and the client-credentials token endpoint. Tokens are JWT-shaped; `aud` is the resource of the
 * requested `.default` scope (any other scope is 400 `invalid_scope`, as Entra ID refuses it in
 * this grant), so ARM and the login server can refuse tokens for the wrong audience. They are
 * issued and expire on the machine's clock ({@link entraEpochSeconds}).
 */
export function entraRoute(request: FakeRequest, ctx: EntraContext): FakeResponse {
  const { state, identities } = ctx
  const path = request.url.pathname
  const metadata = OPENID.exec(path)
  if (metadata?.[1] !== undefined) return openidConfiguration(originOf(request), metadata[1])
  const tenant = TOKEN.exec(path)?.[1] ?? ''
  const form = formOf(request)
  const identity = identities.find(
    (i) => i.tenantId === tenant && i.clientId === form.get('client_id'),
  )
  if (form.get('grant_type') !== 'client_credentials') {
    return entraError(400, 'unsupported_grant_type', 'AADSTS70003: grant type not supported')
  }
  if (identity === undefined) {
    return entraError(400, 'unauthorized_client', 'AADSTS700016: application not found')
  }
  if (form.get('client_secret') !== identity.clientSecret) {
    return entraError(401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided.')
  }
  const scope = form.get('scope') ?? ''
  // The client-credentials grant asks for one resource's statically granted permissions: its
  // identifier with `/.default`, never a bare resource, a named permission or two resources.
  if (!CLIENT_CREDENTIALS_SCOPE.test(scope)) {
    return entraError(
      400,
      'invalid_scope',
      `AADSTS1002012: The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`,
    )
  }
  const now = entraEpochSeconds()
  const claims = {
    aud: scope.replace(/\/\.default$/, ''),
    iss: `https://sts.windows.net/${tenant}/`,
    tid: tenant,
    appid: identity.clientId,
    oid: identity.clientId,
    sub: identity.clientId,
    iat: now,
    nbf: now,
    exp: now + AAD_TOKEN_SECONDS,
  }
  const token = encodeFakeJwt(claims)
  state.aadTokens.set(token, claims)
  return json(200, {
    token_type: 'Bearer',
    expires_in: AAD_TOKEN_SECONDS,
    ext_expires_in: AAD_TOKEN_SECONDS,
    access_token: token,
  })
}

/** @internal An Entra ID token endpoint error: `{ error, error_description, error_codes }`. */
export function entraError(status: number, error: string, description: string): FakeResponse {
  return json(status, { error, error_description: description, error_codes: [] })
}

// --- Internal ---

function openidConfiguration(origin: string, tenant: string): FakeResponse {
  // MSAL requires these four fields; the rest of the real document is optional to it.
  return json(200, {
    token_endpoint: `${origin}/${tenant}/oauth2/v2.0/token`,
    authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/authorize`,
    issuer: `${origin}/${tenant}/v2.0`,
    jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
    response_types_supported: ['code', 'id_token', 'token id_token'],
  })
}
