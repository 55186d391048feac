/** How the registry container reaches 127.0.0.1: the host's network, or mapped ports. */
export type NetworkMode = 'host' | 'mapped'

/**
 * `E2E_NETWORK` (`host` or `mapped`); by default `host` on Linux, where CI engines run without a
 * bridge, and `mapped` elsewhere (Docker Desktop's host network is not the machine's loopback).
 */
export function networkMode(env: NodeJS.ProcessEnv = process.env): NetworkMode {
  const mode = env.E2E_NETWORK ?? (process.platform === 'linux' ? 'host' : 'mapped')
  if (mode !== 'host' && mode !== 'mapped') {
    throw new TypeError(`E2E_NETWORK must be "host" or "mapped", got ${JSON.stringify(mode)}`)
  }
  return mode
}
