import { platformError } from './map-error.js'

/** One entry of the `access` claim of an ACR access token (the Docker registry token format). */
export interface AcrTokenAccess {
  readonly type: string
  readonly name: string
  readonly actions: readonly string[]
}

/** The claims of an ACR token this provider relies on. */
export interface AcrTokenClaims {
  /** Expiry, seconds since the epoch. */
  readonly exp: number
  /** What the token grants; absent on refresh tokens. */
  readonly access: readonly AcrTokenAccess[]
}

/**
 * Read the claims of an ACR token. Only the payload is decoded: the signature is for the registry
 * to check, and the token came to us over TLS from the registry itself.
 *
 * @throws ArtifactRegistryError `INTERNAL` when the token is not a JWT with a numeric `exp`.
 */
export function readTokenClaims(token: string, what: string): AcrTokenClaims {
  const payload = token.split('.')[1]
  let claims: { exp?: unknown; access?: unknown } | undefined
  try {
    claims =
      payload === undefined
        ? undefined
        : JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  } catch {
    claims = undefined
  }
  if (typeof claims?.exp !== 'number' || !Number.isFinite(claims.exp)) {
    throw platformError(
      'INTERNAL',
      `The ${what} from the registry is not a JWT with an "exp" claim`,
    )
  }
  return {
    exp: claims.exp,
    access: Array.isArray(claims.access) ? claims.access.filter(isAccess) : [],
  }
}

function isAccess(value: unknown): value is AcrTokenAccess {
  const a = value as Partial<AcrTokenAccess> | null
  return typeof a?.type === 'string' && typeof a.name === 'string' && Array.isArray(a.actions)
}
