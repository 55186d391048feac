import { randomBytes } from 'node:crypto'
import { jwtVerify, SignJWT } from 'jose'
import type { AccessRequest } from '../auth/authorizer.js'
import type { SigningKeys } from './signing-keys.js'

/** A signed registry token. */
export interface IssuedToken {
  token: string
  /** Seconds until it expires (whole, never rounded up). */
  expiresIn: number
  expiresAt: Date
  issuedAt: Date
}

/** A verified token: who it was issued to, what it grants, until when. */
export interface VerifiedToken {
  subject: string
  access: AccessRequest[]
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

  constructor(keys: SigningKeys, options: { issuer: string; service: string; ttlSeconds: number }) {
    this.#keys = keys
    this.issuer = options.issuer
    this.service = options.service
    this.#ttlSeconds = options.ttlSeconds
  }

  /** Sign a token for `access`, expiring at the token TTL or `notAfter`, whichever is sooner. */
  async issue(subject: string, access: AccessRequest[], notAfter?: Date): Promise<IssuedToken> {
    const now = Date.now()
    const limit = Math.min(
      now + this.#ttlSeconds * 1000,
      notAfter?.getTime() ?? Number.POSITIVE_INFINITY,
    )
    // Whole seconds, rounded down: a token never outlives the credential it came from.
    const exp = Math.floor(limit / 1000)
    const iat = Math.floor(now / 1000)
    const token = await new SignJWT({ access })
      .setProtectedHeader({
        alg: 'ES256',
        typ: 'JWT',
        x5c: [this.#keys.signer.der.toString('base64'), this.#keys.ca.der.toString('base64')],
      })
      .setIssuer(this.issuer)
      .setSubject(subject)
      .setAudience(this.service)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .setJti(randomBytes(12).toString('hex'))
      .sign(this.#keys.privateKey)
    // Whole seconds of validity left, rounded down, so a client never caches it too long.
    return {
      token,
      expiresIn: Math.max(0, Math.floor((exp * 1000 - now) / 1000)),
      expiresAt: new Date(exp * 1000),
      issuedAt: new Date(iat * 1000),
    }
  }

  /** Verify a token of ours; `undefined` when forged, tampered, foreign or expired. */
  async verify(token: string): Promise<VerifiedToken | undefined> {
    const cached = this.#verified.get(token)
    if (cached) return cached.expiresAt.getTime() > Date.now() ? cached : undefined
    try {
      const { payload } = await jwtVerify(token, this.#keys.publicKey, {
        issuer: this.issuer,
        audience: this.service,
        algorithms: ['ES256'],
      })
      const verified: VerifiedToken = {
        subject: payload.sub ?? '',
        access: Array.isArray(payload.access) ? (payload.access as AccessRequest[]) : [],
        expiresAt: new Date((payload.exp ?? 0) * 1000),
      }
      // Verification is the costly part of a request with a token: remember recent ones.
      if (this.#verified.size >= 1000) this.#verified.clear()
      this.#verified.set(token, verified)
      return verified
    } catch {
      return undefined
    }
  }
}
