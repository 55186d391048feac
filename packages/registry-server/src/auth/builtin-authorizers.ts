import { createHash, timingSafeEqual } from 'node:crypto'
import type { Authorizer } from './authorizer.js'

/** Development mode: every request is allowed. Only sensible on a loopback address. */
export const anonymousAuthorizer: Authorizer = () => ({ ok: true, subject: 'anonymous' })

/** The `WWW-Authenticate` challenge for Basic auth. */
export const BASIC_CHALLENGE = 'Basic realm="artifact-registry"'

/** A username/password pair parsed from a Basic `Authorization` header. */
export interface BasicCredentials {
  username: string
  password: string
}

/** Parse `Authorization: Basic …`; `undefined` when absent or malformed. */
export function parseBasic(authorization: string | undefined): BasicCredentials | undefined {
  const match = authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i)
  if (!match?.[1]) return undefined
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/** Compare secrets in constant time (hashing first makes the lengths equal). */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest()
  const hb = createHash('sha256').update(b).digest()
  return timingSafeEqual(ha, hb)
}
