import { platformError } from './map-error.js'

/**
 * @internal The token realm a registry named, if the admin's credentials may be sent there: to
 * the `tokenServiceUrl` configured, or to the registry's own host (any port: a token service
 * runs beside it) without going from HTTPS down to HTTP. Anywhere else, a registry (or whoever
 * answers in its place) could collect the admin password, in clear over plain HTTP.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming the realm and how to allow it.
 */
export function checkedRealm(realm: string, registryUrl: string, tokenServiceUrl?: string): URL {
  let url: URL
  try {
    url = new URL(realm)
  } catch {
    throw refused(realm, registryUrl, 'is not a URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw refused(realm, registryUrl, 'is not http(s)')
  if (tokenServiceUrl !== undefined && url.origin === new URL(tokenServiceUrl).origin) return url
  const registry = new URL(registryUrl)
  if (url.hostname.toLowerCase() !== registry.hostname.toLowerCase())
    throw refused(realm, registryUrl, 'is on another host')
  if (registry.protocol === 'https:' && url.protocol !== 'https:')
    throw refused(realm, registryUrl, 'is plain HTTP, where the registry is HTTPS')
  return url
}

function refused(realm: string, registryUrl: string, why: string): Error {
  return platformError(
    'INVALID_CONFIG',
    `The registry at ${registryUrl} names the token realm ${JSON.stringify(realm)}, which ${why}: the admin credentials are not sent there. If that token service is yours, set tokenServiceUrl to its address.`,
  )
}
