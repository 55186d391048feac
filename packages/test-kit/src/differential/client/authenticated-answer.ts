import { basicAuth } from '../../basic-auth.js'
import type { Credentials } from './scenario.js'

/**
 * What the registry answers `method path` sent with `creds`, as a client would send it: Basic
 * where the registry challenges for Basic, else a token from the Bearer challenge's realm for the
 * challenged scope. Returns `HTTP <status> <OCI error code>`, followed by ` (<error>)` when the
 * answer challenges again with an `error` (e.g. `insufficient_scope`), or `token request <status>`
 * when the realm refuses the credentials. Used to name *how* a request is refused, which skopeo's
 * messages only paraphrase.
 */
export async function authenticatedAnswer(
  registryUrl: string,
  creds: Credentials,
  method: string,
  path: string,
): Promise<string> {
  const url = new URL(path, registryUrl)
  const anonymous = await fetch(url, { method })
  await anonymous.body?.cancel()
  const challenge = anonymous.headers.get('www-authenticate') ?? ''
  const basic = basicAuth(creds.username, creds.password)
  let authorization = basic
  if (/^Bearer\s/i.test(challenge)) {
    const params = challengeParams(challenge)
    const realm = new URL(params.realm ?? '')
    for (const key of ['service', 'scope']) {
      if (params[key]) realm.searchParams.set(key, params[key])
    }
    const token = await fetch(realm, { headers: { authorization: basic } })
    if (token.status !== 200) {
      await token.body?.cancel()
      return `token request ${token.status}`
    }
    authorization = `Bearer ${((await token.json()) as { token: string }).token}`
  }
  const res = await fetch(url, { method, headers: { authorization } })
  const body = (await res.json().catch(() => ({}))) as { errors?: { code?: string }[] }
  const { error } = challengeParams(res.headers.get('www-authenticate') ?? '')
  return `HTTP ${res.status} ${body.errors?.[0]?.code ?? ''}`.trim() + (error ? ` (${error})` : '')
}

// The `key="value"` parameters of a WWW-Authenticate challenge.
function challengeParams(challenge: string): Record<string, string | undefined> {
  return Object.fromEntries(
    [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map(([, k = '', v = '']) => [k, v]),
  )
}
