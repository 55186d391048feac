import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Permission } from '@artifact-registry/core'
import { AdminAccount, type AdminCredentials } from '../auth/admin-account.js'
import { authenticate, type Identities } from '../auth/authenticate.js'
import type { AccessRequest, Authorizer } from '../auth/authorizer.js'
import { CredentialStore, type MintedCredential } from '../auth/credential-store.js'
import type { CredentialsToRevoke } from '../auth/revocation.js'
import { allows } from '../auth/rights.js'
import { formatScope } from '../auth/scope.js'
import { handleMintRequest, handleTokenRequest, type RepositoryPresence } from './endpoints.js'
import { handleRevokeRequest } from './revocation-endpoint.js'
import { loadSigningKeys, type SigningKeys } from './signing-keys.js'
import { TokenIssuer } from './token-issuer.js'

/** Options of the auth service (embedded in the registry, or standalone as a token service). */
export interface AuthServiceOptions {
  /** Keys and credentials persist in `<dataDir>/auth`; in memory when omitted. */
  dataDir?: string
  /** The static admin credential (its password, or the password's hash): may do everything, and mint credentials. */
  admin: AdminCredentials
  /** Token audience; a registry's `auth.token.service` must match. @default "artifact-registry" */
  service?: string
  /** Token issuer; a registry's `auth.token.issuer` must match. @default "artifact-registry-token-service" */
  issuer?: string
  /**
   * Lifetime of a token (never beyond its credential's expiry), a whole number of seconds from 1
   * to 86400 (a day); anything else is a `TypeError`. @default 300
   */
  tokenTtlSeconds?: number
}

/** @internal The longest a token may be asked to live (`tokenTtlSeconds`): a day. */
export const MAX_TOKEN_TTL_SECONDS = 86_400

/** Paths the auth service answers. */
export const TOKEN_PATH = '/token'
export const MINT_PATH = '/_artifact-registry/credentials'
export const REVOKE_PATH = '/_artifact-registry/credentials/revoke'

/**
 * Credentials and tokens: authenticates requests for the registry, serves the Docker token
 * realm (GET and OAuth2 POST) and the admin-only endpoints that mint and revoke credentials.
 */
export class AuthService {
  readonly identities: Identities
  readonly keys: SigningKeys

  private constructor(identities: Identities, keys: SigningKeys) {
    this.identities = identities
    this.keys = keys
  }

  static async open(options: AuthServiceOptions, tmpDir?: string): Promise<AuthService> {
    const admin = AdminAccount.from(options.admin)
    const ttl = options.tokenTtlSeconds
    // An unchecked value would make every token request fail (NaN) or hand out tokens for years.
    if (ttl !== undefined && (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_TTL_SECONDS))
      throw new TypeError(
        `tokenTtlSeconds must be a whole number from 1 to ${MAX_TOKEN_TTL_SECONDS}, not ${String(ttl)}`,
      )
    // Both go into every token and every challenge: a number or an empty string would give
    // tokens and challenges clients cannot match, refused only once a client tries.
    for (const field of ['service', 'issuer'] as const) {
      const value: unknown = options[field]
      if (value !== undefined && (typeof value !== 'string' || value.trim() === ''))
        throw new TypeError(`${field} must be a non-empty string, not ${JSON.stringify(value)}`)
    }
    const keys = await loadSigningKeys(options.dataDir, tmpDir)
    const tokens = new TokenIssuer(keys, {
      issuer: options.issuer ?? 'artifact-registry-token-service',
      service: options.service ?? 'artifact-registry',
      ttlSeconds: options.tokenTtlSeconds ?? 300,
    })
    const credentials = await CredentialStore.open(options.dataDir, tmpDir)
    const adminStamp = admin.stamp((secret) => tokens.stampOf(secret))
    return new AuthService({ admin, credentials, tokens, adminStamp }, keys)
  }

  /** Mint a credential for one repository and permission, valid for exactly `ttlSeconds`. */
  mint(repository: string, permission: Permission, ttlSeconds: number): Promise<MintedCredential> {
    return this.identities.credentials.mint(repository, permission, ttlSeconds)
  }

  /**
   * Revoke one credential, or every credential of a repository, and the tokens issued from them.
   * Returns how many credentials were revoked.
   */
  revoke(which: CredentialsToRevoke): Promise<number> {
    return this.identities.credentials.revoke(which)
  }

  /**
   * The registry's authorizer: no, invalid or expired credentials → 401 with a Bearer challenge
   * naming the realm and scope; valid ones without the needed actions → 403.
   */
  authorizer(realm: () => string): Authorizer {
    return async ({ authorization, access, signal, client }) => {
      const auth = await authenticate(authorization, this.identities, signal, client)
      if (auth.status !== 'ok') {
        return { ok: false, reason: 'unauthenticated', challenge: this.challenge(realm(), access) }
      }
      return allows(auth.rights, access)
        ? { ok: true, subject: auth.rights.subject }
        : { ok: false, reason: 'denied' }
    }
  }

  /** The `WWW-Authenticate` value of a 401 for `access`: where to get a token for it. */
  challenge(realm: string, access: readonly AccessRequest[]): string {
    const scope = access.length > 0 ? `,scope="${formatScope(access)}"` : ''
    return `Bearer realm="${realm}",service="${this.identities.tokens.service}"${scope}`
  }

  /**
   * Whether the holder a request was authorized as (the subject {@link authorizer} named) still
   * holds its credential: the admin, or a credential neither revoked nor expired since. Cheap and
   * synchronous, so it can be asked under a repository's lock.
   */
  stillHolds(subject: string): boolean {
    return (
      subject === this.identities.admin.username || this.identities.credentials.isActive(subject)
    )
  }

  /**
   * Answer the token, minting and revocation endpoints; false when the request is for none.
   * `holdsRepository` (a registry's) lets a mint ask that its repository exist.
   */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    holdsRepository?: RepositoryPresence,
  ): Promise<boolean> {
    if (url.pathname === TOKEN_PATH) await handleTokenRequest(req, res, url, this.identities)
    else if (url.pathname === MINT_PATH)
      await handleMintRequest(req, res, this.identities, holdsRepository)
    else if (url.pathname === REVOKE_PATH) await handleRevokeRequest(req, res, this.identities)
    else return false
    return true
  }
}
