import { randomBytes } from 'node:crypto'
import { type LocalProvider, local } from '@artifact-registry/provider-local'
import { startLocalRegistry, startTokenService } from '@artifact-registry/registry-server'
import { networkMode } from './network-mode.js'
import { RegistryContainer } from './registry-container.js'

/** The binding every scenario runs in: routable names are `e2e/{name}`. */
export const BINDING = 'e2e'

/** A username and password, for the provider's admin and for skopeo. */
export interface Credentials {
  username: string
  password: string
}

/** One registry set up for the scenarios, with the local provider pointed at it. */
export interface RunningTarget extends AsyncDisposable {
  /** The provider under test, talking to the registry over HTTP with the admin credential. */
  provider: LocalProvider
  /** `127.0.0.1:PORT` of the registry, as image references spell it. */
  authority: string
  /** May do everything, on the registry and at its token realm. */
  admin: Credentials
  close(): Promise<void>
}

/** A registry implementation the same scenarios run against. */
export interface Target {
  /** Column heading of the outcome table. */
  name: string
  start(): Promise<RunningTarget>
}

/**
 * `registry:2` in a container, trusting our token service (started in this process): the
 * provider creates repositories over the OCI API and mints credentials at the token service
 * it finds from the registry's Bearer challenge.
 */
export const registry2: Target = {
  name: 'registry:2 + token service',
  async start() {
    const admin = newAdmin()
    return withCleanup(async (cleanup) => {
      const tokens = await startTokenService({ admin })
      cleanup.push(() => tokens.close())
      const container = await new RegistryContainer()
        .withTokenService(tokens)
        .withNetworking(networkMode())
        .start()
      cleanup.push(() => container.stop().then(() => undefined))
      const provider = await local({
        url: container.url,
        bindingName: BINDING,
        adminCredentials: admin,
      })
      cleanup.push(() => provider.close())
      return { provider, authority: container.authority, admin }
    })
  },
}

/**
 * Our registry in this process, auth on, reached by the provider over HTTP exactly as the
 * registry:2 target is, so the two differ only in the registry.
 */
export const inProcess: Target = {
  name: 'in-process registry',
  async start() {
    const admin = newAdmin()
    return withCleanup(async (cleanup) => {
      const registry = await startLocalRegistry({ adminCredentials: admin })
      cleanup.push(() => registry.close())
      const provider = await local({
        url: registry.url,
        bindingName: BINDING,
        adminCredentials: admin,
      })
      cleanup.push(() => provider.close())
      return { provider, authority: new URL(registry.url).host, admin }
    })
  },
}

/** Both implementations, in the column order of the outcome table. */
export const TARGETS: readonly Target[] = [registry2, inProcess]

// --- internal ---

function newAdmin(): Credentials {
  return { username: 'admin', password: randomBytes(24).toString('base64url') }
}

// Closes what was started in reverse order: on close, and when a later start step fails.
async function withCleanup(
  start: (
    cleanup: (() => Promise<void>)[],
  ) => Promise<Omit<RunningTarget, 'close' | typeof Symbol.asyncDispose>>,
): Promise<RunningTarget> {
  const cleanup: (() => Promise<void>)[] = []
  const close = async (): Promise<void> => {
    const errors: unknown[] = []
    for (const step of cleanup.splice(0).reverse()) await step().catch((e) => errors.push(e))
    if (errors.length > 0) throw new AggregateError(errors, 'closing an e2e target failed')
  }
  try {
    return { ...(await start(cleanup)), close, [Symbol.asyncDispose]: close }
  } catch (error) {
    await close().catch(() => undefined)
    throw error
  }
}
