import { randomBytes } from 'node:crypto'

/** Claims of a token the fake issues (Entra ID access tokens, ACR refresh and access tokens). */
export type FakeTokenClaims = Record<string, unknown> & { exp: number }

/**
 * Encode claims as a JWT-shaped string. The signature is random bytes: clients decode the payload
 * (the Azure SDK reads `exp`) but never verify it, and the fake recognises its tokens by keeping
 * them, so no key is involved.
 */
export function encodeFakeJwt(claims: FakeTokenClaims): string {
  const header = { alg: 'RS256', typ: 'JWT', kid: 'azure-fake' }
  return [toBase64Url(header), toBase64Url(claims), randomBytes(16).toString('base64url')].join('.')
}

/** The claims of a JWT-shaped token, or `undefined` when it is not one. */
export function decodeFakeJwt(token: string): FakeTokenClaims | undefined {
  const payload = token.split('.')[1]
  if (payload === undefined) return undefined
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    if (typeof claims !== 'object' || claims === null) return undefined
    return typeof (claims as { exp?: unknown }).exp === 'number'
      ? (claims as FakeTokenClaims)
      : undefined
  } catch {
    return undefined
  }
}

function toBase64Url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')
}
