import type { AccessRequest, AuthorizedRequest } from '@artifact-registry/registry-server'
import { registryActionsOf } from './rbac.js'
import type { AcrAction, AzureFakeState, FakeAzureIdentity } from './state.js'

/** The username ACR expects with an ACR refresh or access token as password (the null GUID). */
export const NULL_GUID_USERNAME = '00000000-0000-0000-0000-000000000000'

/** One entry of an ACR token's `access` claim (the Docker registry token format). */
export interface TokenAccess {
  type: string
  name: string
  actions: string[]
}

/**
 * An action an ACR access token's `access` claim may hold on a repository: the Docker token
 * actions `pull`, `push` and `delete`, and ACR's own `metadata_read` (list tags or manifests) and
 * `metadata_write` (change the read, write and delete attributes of tags and manifests).
 */
export type TokenAction = AcrAction | 'metadata_read' | 'metadata_write'

/** A username and password presented to `/oauth2/token` (Basic auth, or the `password` grant). */
export interface BasicCredentials {
  readonly username: string
  readonly password: string
}

/** The request a {@link BasicVerifier} decides for. */
export interface BasicVerification {
  /** The login server the token is asked for (`service`). */
  readonly service: string
  /** The fake's time, in seconds since the epoch: what has expired is judged by it. */
  readonly nowSeconds: number
}

/** What a verified credential may be given at `/oauth2/token`. */
export interface TokenGrant {
  /** `sub` of the access tokens issued on it. */
  readonly subject: string
  /**
   * The actions ({@link TokenAction}, or `*`) the credential allows on one resource (`type`
   * `repository`, `name` the repository). What a client asks for is intersected with them, and
   * actions it may not have are dropped silently, as ACR does.
   */
  readonly allowed: (type: string, name: string) => readonly string[]
  /** When set (seconds since the epoch), tokens issued on this credential expire no later. */
  readonly exp?: number
}

/**
 * Checks one kind of Basic credential at `/oauth2/token`: the null GUID with an ACR token, an ACR
 * repository-scoped token's name and password, and so on. It answers the grant of a credential it
 * recognises and finds valid at `nowSeconds`, and `undefined` for any other, so the next verifier
 * may try. Add one to `fake.state.basicVerifiers` to teach the fake a credential of your own; the
 * fake answers 401 when no verifier grants anything.
 */
export type BasicVerifier = (
  credentials: BasicCredentials,
  verification: BasicVerification,
) => TokenGrant | undefined

const ALL_ACTIONS: readonly TokenAction[] = [
  'pull',
  'push',
  'delete',
  'metadata_read',
  'metadata_write',
]

/**
 * @internal The grant of an ACR refresh token: what the identity's Azure RBAC allows. Azure
 * documents the pull role's `registries/pull/read` as viewing tags as well as pulling, so a
 * role that pulls also reads metadata (`metadata_read`).
 */
export function refreshTokenGrant(
  token: string,
  state: AzureFakeState,
  identities: readonly FakeAzureIdentity[],
  verification: BasicVerification,
): TokenGrant | undefined {
  const claims = state.refreshTokens.get(token)
  if (claims === undefined || claims.exp <= verification.nowSeconds) return undefined
  if (claims.aud !== verification.service) return undefined
  const identity = identities.find((i) => i.clientId === claims.appid)
  const registry = state.registries.get(state.loginServers.get(verification.service) ?? '')
  const at = { state, scope: registry?.id ?? '' }
  const roles: readonly string[] = identity === undefined ? [] : registryActionsOf(identity, at)
  const rbac = roles.includes('pull') ? [...roles, 'metadata_read'] : roles
  return {
    subject: String(claims.sub),
    // A registry without ABAC repository permissions lets whoever may pull list its catalog.
    allowed: (type, name) =>
      type === 'repository' ? rbac : isCatalog(type, name) && roles.includes('pull') ? ['*'] : [],
  }
}

/**
 * @internal The grant of an ACR access token: no more than its own `access` claim, and never
 * beyond its own `exp` (the fake does not let a token lengthen itself).
 */
export function accessTokenGrant(
  token: string,
  state: AzureFakeState,
  verification: BasicVerification,
): TokenGrant | undefined {
  const claims = state.accessTokens.get(token)
  if (claims === undefined || claims.exp <= verification.nowSeconds) return undefined
  if (claims.aud !== verification.service) return undefined
  const access = claims.access as TokenAccess[]
  return {
    subject: String(claims.sub),
    allowed: (type, name) => actionsOn(access, type, name),
    exp: claims.exp,
  }
}

/**
 * @internal The verifier of ACR's own tokens: the null GUID with an ACR refresh token (what
 * `az acr login` hands docker) or with an ACR access token (a repository-scoped credential).
 */
export function acrTokenVerifier(
  state: AzureFakeState,
  identities: readonly FakeAzureIdentity[],
): BasicVerifier {
  return ({ username, password }, verification) => {
    if (username !== NULL_GUID_USERNAME) return undefined
    return (
      refreshTokenGrant(password, state, identities, verification) ??
      accessTokenGrant(password, state, verification)
    )
  }
}

/**
 * @internal The actions a grant gives for `asked` ({@link TokenAction}s, or `*` for all). A
 * client asking `pull` also gets `metadata_read` when the credential may read metadata: docker
 * and skopeo ask only `pull` before they list a repository's tags, which ACR lets a credential do
 * only when it holds the `metadata/read` action (or a role that views tags).
 */
export function grantedActions(
  grant: TokenGrant,
  name: string,
  asked: ReadonlySet<string>,
): TokenAction[] {
  const allowed = new Set(grant.allowed('repository', name))
  const wanted = (a: TokenAction) =>
    asked.has(a) || asked.has('*') || (a === 'metadata_read' && asked.has('pull'))
  return ALL_ACTIONS.filter((a) => wanted(a) && (allowed.has(a) || allowed.has('*')))
}

/** @internal Whether a token's `access` claim covers everything a registry request needs. */
export function accessCovers(
  access: readonly TokenAccess[],
  needed: readonly NeededAccess[],
): boolean {
  return needed.every((n) => {
    const granted = new Set(actionsOn(access, n.type, n.name))
    return n.actions.every((a) => granted.has(a) || granted.has('*'))
  })
}

/** One resource a data-plane request needs, and the token actions it needs on it. */
export interface NeededAccess {
  readonly type: string
  readonly name: string
  readonly actions: readonly string[]
}

/**
 * @internal What a data-plane request needs of an ACR access token: what the registry asks
 * (`pull` to read, `push` to write, `delete` to delete), except that listing a repository's tags
 * needs `metadata_read`, as ACR's `metadata/read` action is what lets a credential list tags.
 */
export function neededAccess(
  access: readonly AccessRequest[],
  request: AuthorizedRequest,
): NeededAccess[] {
  if (request.endpoint !== 'tags') return [...access]
  return access.map((a) => (a.type === 'repository' ? { ...a, actions: ['metadata_read'] } : a))
}

// --- Internal ---

/** Whether a token scope's resource is the registry's catalog (`registry:catalog`). */
function isCatalog(type: string, name: string): boolean {
  return type === 'registry' && name === 'catalog'
}

function actionsOn(access: readonly TokenAccess[], type: string, name: string): string[] {
  return access.filter((a) => a.type === type && a.name === name).flatMap((a) => a.actions)
}
