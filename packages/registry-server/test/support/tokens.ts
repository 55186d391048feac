/** What a token realm answered. */
export interface TokenAnswer {
  status: number
  /** The token, on a 200. */
  token: string
  /** `expires_in`, on a 200. */
  expiresIn: number
}

/**
 * Ask a token realm (`{url}/token`, ours or the standalone service) for a token for `scope`,
 * with `authorization` (Basic), as a registry client does after a Bearer challenge.
 */
export async function requestToken(
  realm: string,
  authorization: string,
  scope: string,
  service = 'artifact-registry',
): Promise<TokenAnswer> {
  const url = new URL(realm)
  url.searchParams.set('service', service)
  url.searchParams.set('scope', scope)
  const res = await fetch(url, { headers: { authorization } })
  if (res.status !== 200) {
    await res.body?.cancel()
    return { status: res.status, token: '', expiresIn: 0 }
  }
  const body = (await res.json()) as { token: string; expires_in: number }
  return { status: 200, token: body.token, expiresIn: body.expires_in }
}

/** Like {@link requestToken}, but a refusal throws: for setting a test up. */
export async function tokenFor(
  realm: string,
  authorization: string,
  scope: string,
): Promise<string> {
  const answer = await requestToken(realm, authorization, scope)
  if (answer.status !== 200) throw new Error(`token for ${scope}: ${answer.status}`)
  return answer.token
}

/** The claims of a JWT, unverified. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
}

/** The status of `HEAD /v2/<repository>/manifests/<reference>` with `authorization`. */
export async function headManifest(
  url: string,
  repository: string,
  reference: string,
  authorization: string,
): Promise<number> {
  const res = await fetch(`${url}/v2/${repository}/manifests/${reference}`, {
    method: 'HEAD',
    headers: {
      authorization,
      accept: 'application/vnd.oci.image.manifest.v1+json',
    },
  })
  return res.status
}

/** Sleep until the epoch millisecond `t` (at once if it has passed). */
export function sleepUntil(t: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, t - Date.now())))
}
