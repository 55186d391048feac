import { HTPASSWD_FIXTURE, startDockerRegistry } from '@artifact-registry/test-kit'
import { startLocalRegistry } from '../../src/index.js'

/** A registry a test talks to, whichever implementation it is. */
export interface RunningRegistry extends AsyncDisposable {
  /** `http://127.0.0.1:PORT` */
  url: string
  /** `127.0.0.1:PORT`, as image references spell it. */
  authority: string
  close(): Promise<void>
}

/** How to start one implementation, with or without the test credential. */
export interface RegistryTarget {
  name: string
  /** true for `docker-registry`: it runs the same scenario to show the test itself is right. */
  reference: boolean
  start(options?: { auth?: boolean }): Promise<RunningRegistry>
}

/**
 * The one credential both implementations accept when started with `auth: true`. It comes from
 * the htpasswd fixture because distribution only takes bcrypt entries.
 */
export const TEST_CREDENTIALS: { username: string; password: string } = {
  username: HTPASSWD_FIXTURE.username,
  password: HTPASSWD_FIXTURE.password,
}

/** `user:password`, the form of skopeo's and buildah's `--creds` flags. */
export const credsFlag = (creds: { username: string; password: string } = TEST_CREDENTIALS) =>
  `${creds.username}:${creds.password}`

/**
 * How skopeo and buildah report a refused credential: 401 (Basic, or a token request refused)
 * or 403 (a token service that hands anonymous callers a token without access).
 */
export const REFUSED: RegExp =
  /unauthorized|authentication required|invalid username\/password|denied|403 \(Forbidden\)/i

/** Our in-process registry, in memory; with `auth` the admin credential guards everything. */
export const localRegistry: RegistryTarget = {
  name: 'local registry',
  reference: false,
  async start({ auth = false } = {}) {
    const registry = await startLocalRegistry(auth ? { adminCredentials: TEST_CREDENTIALS } : {})
    return running(registry.url, () => registry.close())
  },
}

/** Debian's `docker-registry` (distribution 2.8.2); with `auth`, htpasswd Basic auth. */
export const dockerRegistry: RegistryTarget = {
  name: 'docker-registry 2.8.2',
  reference: true,
  async start({ auth = false } = {}) {
    const registry = await startDockerRegistry(
      auth ? { auth: { htpasswd: { contents: HTPASSWD_FIXTURE.line } } } : {},
    )
    return running(registry.url, () => registry.close())
  },
}

/** Interop scenarios run against both: ours is under test, distribution checks the test. */
export const registryTargets: readonly RegistryTarget[] = [localRegistry, dockerRegistry]

function running(url: string, close: () => Promise<void>): RunningRegistry {
  return { url, authority: new URL(url).host, close, [Symbol.asyncDispose]: close }
}
