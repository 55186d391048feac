import { createHash, createHmac, randomBytes } from 'node:crypto'
import type { JWTPayload } from 'jose'
// The two entries used, not the package root: it loads every JOSE feature (JWE, JWKS, …), about
// 10 MB more memory for the server.
import { SignJWT } from 'jose/jwt/sign'
import { jwtVerify } from 'jose/jwt/verify'
import type { AccessRequest } from '../auth/authorizer.js'
import { parseAccessClaim } from './access-claim.js'
import type { SigningKeys } from './signing-keys.js'

/**
 * registry:2 (distribution 2.8.2) accepts a token up to 60 s after its `exp`, and from 60 s before
 * its `nbf`, to allow for clock skew. Tokens are therefore signed with every time claim 60 s early,
 * and our own verification adds the same leeway, so both registries refuse a token at the instant
 * it was meant to end: never after the credential it came from.
 */
export const TOKEN_LEEWAY_SECONDS = 60

// A private claim of ours; registry:2 ignores claims it does not know.
const STAMP_CLAIM = 'holder_stamp'

/** A signed registry token. */
export interface IssuedToken {
  token: string
  /** Seconds until it expires (whole, never rounded up). */
  expiresIn: number
  /** When registries refuse it: its `exp` plus {@link TOKEN_LEEWAY_SECONDS}. */
  expiresAt: Date
  issuedAt: Date
}

/** A verified token: who it was issued to, what it grants, until when. */
export interface VerifiedToken {
  subject: string
  access: AccessRequest[]
  /** The holder's stamp when it was issued (see {@link TokenIssuer.stampOf}), if any. */
  holderStamp?: string
  /** The instant it is refused: its `exp` plus {@link TOKEN_LEEWAY_SECONDS}. */
  expiresAt: Date
}

/**
 * Issues and verifies Docker registry tokens: ES256 JWTs with `iss`, `sub`, `aud` (the service),
 * `exp`, `nbf`, `iat`, `jti` and `access`, carrying the signer and CA certificates in `x5c` so a
 * `registry:2` configured with the CA as `rootcertbundle` accepts them.
 */
export class TokenIssuer {
  readonly #keys: SigningKeys
  readonly issuer: string
  readonly service: string
  readonly #ttlSeconds: number
  readonly #verified = new Map<string, VerifiedToken>()
  readonly #stampKey: Buffer

  constructor(keys: SigningKeys, options: { issuer: string; service: string; ttlSeconds: number }) {
    this.#keys = keys
    // Derived from the signing key, which stays in the data directory: a stamp means nothing
    // outside this token service, and is the same again after a restart.
    this.#stampKey = createHash('sha256')
      .update('holder stamp\0')
      .update(keys.privateKey.export({ type: 'pkcs8', format: 'der' }))
      .digest()
    this.issuer = options.issuer
    this.service = options.service
    this.#ttlSeconds = options.ttlSeconds
  }

  /**
   * A short keyed hash of `secret`, to put in a token as its holder's stamp: a token whose stamp
   * no longer matches what its holder's secret gives now is refused, so changing the secret (the
   * admin password) ends the tokens issued before. It reveals nothing of the secret without the
   * signing key.
   */
  stampOf(secret: string): string {
    return createHmac('sha256', this.#stampKey).update(secret).digest('base64url').slice(0, 22)
  }

  /**
   * Sign a token for `access`, expiring at the token TTL or `notAfter`, whichever is sooner,
   * carrying `holderStamp` when given.
   */
  async issue(
    subject: string,
    access: AccessRequest[],
    notAfter?: Date,
    holderStamp?: string,
  ): Promise<IssuedToken> {
    const now = Date.now()
    const limit = Math.min(
      now + this.#ttlSeconds * 1000,
      notAfter?.getTime() ?? Number.POSITIVE_INFINITY,
    )
    // Whole seconds, rounded down: a token never outlives the credential it came from.
    const end = Math.floor(limit / 1000)
    const issued = Math.floor(now / 1000)
    const claims = holderStamp === undefined ? { access } : { access, [STAMP_CLAIM]: holderStamp }
    const token = await new SignJWT(claims)
      .setProtectedHeader({
        alg: 'ES256',
        typ: 'JWT',
        x5c: [this.#keys.signer.der.toString('base64'), this.#keys.ca.der.toString('base64')],
      })
      .setIssuer(this.issuer)
      .setSubject(subject)
      .setAudience(this.service)
      .setIssuedAt(issued - TOKEN_LEEWAY_SECONDS)
      .setNotBefore(issued - TOKEN_LEEWAY_SECONDS)
      .setExpirationTime(end - TOKEN_LEEWAY_SECONDS)
      .setJti(randomBytes(12).toString('hex'))
      .sign(this.#keys.privateKey)
    // Whole seconds of validity left, rounded down, so a client never caches it too long.
    return {
      token,
      expiresIn: Math.max(0, Math.floor((end * 1000 - now) / 1000)),
      expiresAt: new Date(end * 1000),
      issuedAt: new Date(issued * 1000),
    }
  }

  /**
   * Verify a token of ours; `undefined` when forged, tampered, foreign, expired (with the
   * leeway registry:2 applies), without `exp` or `sub`, or with a malformed `access` claim.
   */
  async verify(token: string): Promise<VerifiedToken | undefined> {
    const cached = this.#verified.get(token)
    if (cached) return Date.now() < cached.expiresAt.getTime() ? cached : undefined
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(token, this.#keys.publicKey, {
        issuer: this.issuer,
        audience: this.service,
        algorithms: ['ES256'],
        requiredClaims: ['exp', 'sub'],
        clockTolerance: TOKEN_LEEWAY_SECONDS,
      }))
    } catch {
      return undefined
    }
    const access = parseAccessClaim(payload.access)
    const { exp, sub } = payload
    if (access === undefined || typeof exp !== 'number' || typeof sub !== 'string' || sub === '')
      return undefined
    const stamp = payload[STAMP_CLAIM]
    const verified: VerifiedToken = {
      subject: sub,
      access,
      expiresAt: new Date((exp + TOKEN_LEEWAY_SECONDS) * 1000),
      ...(typeof stamp === 'string' && { holderStamp: stamp }),
    }
    if (Date.now() >= verified.expiresAt.getTime()) return undefined
    // Verification is the costly part of a request with a token: remember recent ones.
    if (this.#verified.size >= 1000) this.#verified.clear()
    this.#verified.set(token, verified)
    return verified
  }
}
