import { platformError } from './map-error.js'

/**
 * @internal The token realm a registry named, if the admin's credentials may be sent there: to
 * the `tokenServiceUrl` configured, or to the registry's own host (any port: a token service
 * runs beside it; for a registry on this machine, any loopback or unspecified address) without
 * going from HTTPS down to HTTP. Anywhere else, a registry (or whoever answers in its place)
 * could collect the admin password, in clear over plain HTTP.
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
  if (!sameMachine(url.hostname, registry.hostname))
    throw refused(realm, registryUrl, 'is on another host')
  if (registry.protocol === 'https:' && url.protocol !== 'https:')
    throw refused(realm, registryUrl, 'is plain HTTP, where the registry is HTTPS')
  return url
}

// One host by name, or, for a registry on this machine, any name of this machine: a registry
// bound to 0.0.0.0 or to localhost names its realm so, though reached as 127.0.0.1. Trusting any
// port of the host already trusts every process on it, so this adds no one.
function sameMachine(realmHost: string, registryHost: string): boolean {
  const realm = realmHost.toLowerCase()
  const registry = registryHost.toLowerCase()
  if (realm === registry) return true
  return isLoopback(registry) && (isLoopback(realm) || realm === '0.0.0.0' || realm === '[::]')
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host)
}

function refused(realm: string, registryUrl: string, why: string): Error {
  return platformError(
    'INVALID_CONFIG',
    `The registry at ${registryUrl} names the token realm ${JSON.stringify(realm)}, which ${why}: the admin credentials are not sent there. If that token service is yours, set tokenServiceUrl to its address.`,
  )
}
