import { isIPv6 } from 'node:net'

/**
 * @internal `publicUrl` checked: the address clients reach a server at, an http(s) origin (scheme,
 * host and port; no path, query or credentials, as the registry's routes are at the root).
 * Returns it without a trailing slash, or `undefined` when not given.
 *
 * @throws TypeError naming `caller` and what is wrong
 */
export function checkPublicUrl(value: unknown, caller: string): string | undefined {
  if (value === undefined) return undefined
  const problem = `${caller}: publicUrl must be an http(s) URL of scheme, host and port only, such as https://registry.example.com`
  if (typeof value !== 'string') throw new TypeError(`${problem}, not ${typeof value}`)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new TypeError(`${problem}, got ${JSON.stringify(value)}`)
  }
  const originOnly =
    url.pathname === '/' && url.search === '' && url.hash === '' && !url.username && !url.password
  // Not an address that binds every interface (`0.0.0.0`, `0`, `[::]`): a realm there is the one
  // no other machine can reach, which publicUrl is for. Nor a host with a quote, which URLs allow
  // but which would end the realm's quoted string in the challenge.
  const reachable = !bindsEveryInterface(url.hostname) && !url.hostname.includes('"')
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    !originOnly ||
    !reachable ||
    /[?#]$/.test(value)
  )
    throw new TypeError(`${problem}, got ${JSON.stringify(value)}`)
  return url.origin
}

/**
 * @internal Whether `host` binds every interface: the URL made of it (`http://0.0.0.0:5000`) is
 * no address a client elsewhere can reach, so the token realm needs a `publicUrl`.
 */
export function bindsEveryInterface(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1')
  if (bare === '') return true
  // However it is written (`::0`, `0:0::`, `0`, which the resolver reads as 0.0.0.0), an
  // unspecified address is one of these two once parsed as a URL's host.
  try {
    const { hostname } = new URL(`http://${isIPv6(bare) ? `[${bare}]` : bare}`)
    return hostname === '0.0.0.0' || hostname === '[::]'
  } catch {
    return false // no address at all: listening on it fails
  }
}

/**
 * @internal What to tell an operator who served on every interface without a public URL: the
 * realm named in 401 challenges cannot be reached from another machine.
 */
export function unreachableRealmWarning(realm: string): string {
  return `warning: clients on other machines are told to get tokens at ${realm}, which they cannot reach; pass --public-url with the address they use (http://HOST:PORT or https://HOST)`
}
