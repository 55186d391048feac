import { ArtifactRegistryError } from '@artifact-registry/core'
import { PLATFORM } from './platform.js'

/**
 * Check the `url` of a running registry before anything is sent to it: a value that is no
 * http(s) URL would otherwise fail at the first call, far from the setting that caused it.
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming the value
 */
export function checkRegistryUrl(url: string): void {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  const usable =
    parsed !== undefined &&
    (parsed.protocol === 'http:' || parsed.protocol === 'https:') &&
    parsed.hostname !== '' &&
    parsed.username === '' &&
    parsed.password === ''
  if (!usable) {
    // A password in the URL is a secret: the message shows where it was, not what it is.
    const shown = parsed?.password ? url.replace(`:${parsed.password}@`, ':***@') : url
    throw new ArtifactRegistryError(
      'INVALID_CONFIG',
      `[provider-local] url ${JSON.stringify(shown)} is not the address of a registry: give http://host:port or https://host:port (credentials go in adminCredentials)`,
      { platform: PLATFORM },
    )
  }
}
