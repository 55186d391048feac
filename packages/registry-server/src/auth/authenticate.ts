import type { TokenIssuer, VerifiedToken } from '../token-service/token-issuer.js'
import type { AdminAccount } from './admin-account.js'
import { parseBasic, secretsEqual } from './builtin-authorizers.js'
import { type CredentialStore, isCredentialUsername } from './credential-store.js'
import { actionsOf, type Rights } from './rights.js'

/** Who is calling, as far as the Authorization header tells. */
export type Authentication =
  | { status: 'ok'; rights: Rights; expiresAt?: Date }
  | { status: 'missing' | 'invalid' | 'expired' }

/** The sources of identity: the static admin, minted credentials, and our tokens. */
export interface Identities {
  admin: AdminAccount
  credentials: CredentialStore
  tokens: TokenIssuer
  /** The admin's stamp under `tokens`' key: what the admin's tokens carry (fixed while running). */
  adminStamp: string
}

/**
 * Authenticate Basic (admin or a minted credential) and Bearer (a token of ours). `signal`, when
 * given, aborts when the request's client has gone: a check of the admin's password hash still
 * waiting its turn is then dropped (and the answer is `invalid`, for no one). `client`, the
 * request's address, is whose turn such a check takes.
 * @throws OciError TOOMANYREQUESTS (429, `Retry-After`) when too many checks of the admin's
 *   password hash are waiting (see {@link AdminAccount.verify})
 */
export async function authenticate(
  authorization: string | undefined,
  ids: Identities,
  signal?: AbortSignal,
  client?: string,
): Promise<Authentication> {
  if (authorization === undefined || authorization.trim() === '') return { status: 'missing' }
  const bearer = authorization.match(/^Bearer\s+(\S+)\s*$/i)?.[1]
  if (bearer !== undefined) {
    const token = await ids.tokens.verify(bearer)
    // A token lasts no longer than its holder: the admin, or a credential not yet revoked.
    if (token === undefined || !holderIsActive(token, ids)) return { status: 'invalid' }
    return {
      status: 'ok',
      rights: { kind: 'scoped', subject: token.subject, grants: token.access },
      expiresAt: token.expiresAt,
    }
  }
  return authenticateBasic(authorization, ids, signal, client)
}

/**
 * Basic only (the token endpoint accepts no tokens); `signal` and errors as
 * {@link authenticate}.
 */
export async function authenticateBasic(
  authorization: string | undefined,
  ids: Identities,
  signal?: AbortSignal,
  client?: string,
): Promise<Authentication> {
  const basic = parseBasic(authorization)
  if (basic === undefined) return { status: authorization ? 'invalid' : 'missing' }
  if (secretsEqual(basic.username, ids.admin.username)) {
    return (await ids.admin.verify(basic.password, signal, client))
      ? { status: 'ok', rights: { kind: 'admin', subject: basic.username } }
      : { status: 'invalid' }
  }
  // Neither the admin's name nor a minted one's: refused only after the check a wrong admin
  // password costs, so that how soon the refusal comes does not tell which name is the admin's.
  if (!isCredentialUsername(basic.username)) {
    await ids.admin.refuse(basic.password, signal, client)
    return { status: 'invalid' }
  }
  // Minted secrets are 256 random bits stored as sha256: checked at once, never in the line.
  const check = ids.credentials.check(basic.username, basic.password)
  if (check.status !== 'valid') return { status: check.status }
  const grants = [
    { type: 'repository' as const, name: check.repository, actions: actionsOf(check.permission) },
  ]
  return {
    status: 'ok',
    rights: { kind: 'scoped', subject: basic.username, grants },
    expiresAt: check.expiresAt,
  }
}

// The admin's tokens carry the admin's stamp: one from before the password changed is refused.
function holderIsActive(token: VerifiedToken, ids: Identities): boolean {
  if (token.subject === ids.admin.username) {
    return token.holderStamp === ids.adminStamp
  }
  return ids.credentials.isActive(token.subject)
}
