import type { IncomingMessage, ServerResponse } from 'node:http'
import { authenticateBasic, type Identities } from '../auth/authenticate.js'
import { BASIC_CHALLENGE } from '../auth/builtin-authorizers.js'
import { grant, type Rights } from '../auth/rights.js'
import { parseScopes } from '../auth/scope.js'
import { clientGone } from '../client-gone.js'
import { type MintRequest, parseMintRequest } from './mint-request.js'
import { readAuthBody } from './request-body.js'

const NO_STORE = { 'Cache-Control': 'no-store' }

/**
 * The Docker token realm: `GET /token?service=&scope=` with optional Basic credentials, or the
 * OAuth2 form `POST /token` (`grant_type=password`). Grants the intersection of what is asked
 * and what the caller holds; a token never outlives the credential it came from.
 */
export async function handleTokenRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ids: Identities,
): Promise<void> {
  let params = url.searchParams
  let authorization = req.headers.authorization
  if (req.method === 'POST') {
    params = new URLSearchParams(await readAuthBody(req))
    const grantType = params.get('grant_type')
    if (grantType !== 'password') return json(res, 400, { error: 'unsupported_grant_type' })
    const basic = Buffer.from(
      `${params.get('username') ?? ''}:${params.get('password') ?? ''}`,
    ).toString('base64')
    authorization = `Basic ${basic}`
  } else if (req.method !== 'GET') {
    return json(res, 405, { error: 'method not allowed' })
  }
  const service = params.get('service')
  if (service !== null && service !== ids.tokens.service)
    return json(res, 400, {
      error: 'invalid_request',
      error_description: `unknown service ${service}`,
    })
  // No anonymous tokens: this registry has nothing public, and a caller without credentials
  // must see 401 (docs/design.md#refusals), not a token that is refused with 403 later.
  const auth = await authenticateBasic(
    authorization,
    ids,
    clientGone(res),
    req.socket.remoteAddress,
  )
  if (auth.status !== 'ok') {
    return json(
      res,
      401,
      { errors: [{ code: 'UNAUTHORIZED', message: `credentials are ${auth.status}` }] },
      { 'WWW-Authenticate': BASIC_CHALLENGE },
    )
  }
  const rights: Rights = auth.rights
  const access = parseScopes(params.getAll('scope'))
    .map((request) => ({ ...request, actions: grant(rights, request) }))
    .filter((request) => request.actions.length > 0)
  const stamp = rights.kind === 'admin' ? ids.adminStamp : undefined
  const issued = await ids.tokens.issue(rights.subject, access, auth.expiresAt, stamp)
  // Less than the JWT's one-second resolution left: the token would already be expired. A 401
  // says how to authenticate (RFC 9110), as the realm's other refusals do.
  if (issued.expiresAt.getTime() <= Date.now())
    return json(
      res,
      401,
      { errors: [{ code: 'UNAUTHORIZED', message: 'credentials are expired' }] },
      { 'WWW-Authenticate': BASIC_CHALLENGE },
    )
  // Signing waits its turn on the thread pool: a credential revoked meanwhile must get no token,
  // which registry:2 (unable to ask us) would honour until it expires.
  if (rights.kind === 'scoped' && !ids.credentials.isActive(rights.subject))
    return json(
      res,
      401,
      { errors: [{ code: 'UNAUTHORIZED', message: 'credentials are invalid' }] },
      { 'WWW-Authenticate': BASIC_CHALLENGE },
    )
  json(res, 200, {
    token: issued.token,
    access_token: issued.token,
    expires_in: issued.expiresIn,
    issued_at: issued.issuedAt.toISOString(),
  })
}

/**
 * Whether a repository holds anything: known only where the repositories are, in the registry.
 * Asked and answered in one synchronous step, so nothing changes the answer before the mint.
 */
export type RepositoryPresence = (repository: string) => boolean

/**
 * `POST /_artifact-registry/credentials` with `{ repository, permission, ttlSeconds?,
 * ifRepositoryExists? }`, admin only: mints a credential scoped to that repository and permission.
 * With `ifRepositoryExists: true` and `holdsRepository` (a registry), a repository that holds
 * nothing gets 404 `NAME_UNKNOWN` and no credential; a standalone token service has no repositories to ask. Any
 * other field, or a TTL `generateCredentials` refuses, is 400 (see {@link parseMintRequest}).
 * The answer's `repositoryChecked` says whether the repository was asked: a caller that asked and
 * reads `false` (a token service, or an older registry) checks again after the mint itself.
 */
export async function handleMintRequest(
  req: IncomingMessage,
  res: ServerResponse,
  ids: Identities,
  holdsRepository?: RepositoryPresence,
): Promise<void> {
  if (req.method !== 'POST') return json(res, 405, { error: 'method not allowed' })
  const auth = await authenticateBasic(
    req.headers.authorization,
    ids,
    clientGone(res),
    req.socket.remoteAddress,
  )
  if (auth.status !== 'ok')
    return json(
      res,
      401,
      { error: 'admin credentials required' },
      { 'WWW-Authenticate': BASIC_CHALLENGE },
    )
  if (auth.rights.kind !== 'admin')
    return json(res, 403, { error: 'only the admin may mint credentials' })
  const text = await readAuthBody(req)
  let asked: MintRequest
  try {
    asked = parseMintRequest(JSON.parse(text))
  } catch (error) {
    const message = error instanceof TypeError ? error.message : 'the body must be JSON'
    return json(res, 400, { error: message })
  }
  // Asked in the mint's own step (see `mintIf`): a repository deletion, which revokes again once
  // the content is gone, either finds this credential or makes the mint refuse.
  const { repository, permission, ttlSeconds, ifRepositoryExists } = asked
  const holds = ifRepositoryExists ? holdsRepository : undefined
  const minted = await ids.credentials.mintIf(
    () => holds?.(repository) ?? true,
    repository,
    permission,
    ttlSeconds,
  )
  // OCI's code for a repository the registry does not know: a caller tells this 404 from that
  // of a server with no such endpoint.
  if (minted === undefined)
    return json(res, 404, {
      errors: [{ code: 'NAME_UNKNOWN', message: `repository ${repository} holds nothing` }],
    })
  json(res, 201, {
    username: minted.username,
    password: minted.password,
    expiresAt: minted.expiresAt.toISOString(),
    repositoryChecked: holds !== undefined,
  })
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(payload)),
    ...NO_STORE,
    ...headers,
  })
  res.end(payload)
}
