import { randomBytes } from 'node:crypto'
import { local } from '@artifact-registry/provider-local'
import { startLocalRegistry, startTokenService } from '@artifact-registry/registry-server'
import {
  BINDING,
  type ClientTarget,
  type Credentials,
  type DifferentialPair,
  type RunningRegistry,
} from '@artifact-registry/test-kit/differential'
import { networkMode } from './network-mode.js'
import { RegistryContainer } from './registry-container.js'

/** Column headings of the comparison. */
const REGISTRY_2 = 'registry:2 + token service'
const IN_PROCESS = 'in-process registry'

/**
 * For the protocol scenarios: a fresh, anonymous registry each time, `registry:2` in a container
 * and ours in this process.
 */
export const PROTOCOL_TARGETS: DifferentialPair<RunningRegistry> = {
  ours: {
    name: IN_PROCESS,
    async start() {
      const registry = await startLocalRegistry()
      return { url: registry.url, [Symbol.asyncDispose]: () => registry.close() }
    },
  },
  reference: {
    name: 'registry:2',
    async start() {
      const container = await new RegistryContainer().withNetworking(networkMode()).start()
      return { url: container.url, [Symbol.asyncDispose]: () => container.stop().then(() => {}) }
    },
  },
}

/**
 * For the client scenarios: the local provider over HTTP with an admin credential in front of
 * `registry:2` in a container, trusting our token service (started in this process, the provider
 * finds it from the registry's Bearer challenge), and in front of our registry in this process,
 * auth on, reached exactly the same way, so the two differ only in the registry.
 */
export const CLIENT_TARGETS: DifferentialPair<ClientTarget> = {
  ours: {
    name: IN_PROCESS,
    start: () =>
      providerTarget(async (admin, cleanup) => {
        const registry = await startLocalRegistry({ adminCredentials: admin })
        cleanup.push(() => registry.close())
        return registry.url
      }),
  },
  reference: {
    name: REGISTRY_2,
    start: () =>
      providerTarget(async (admin, cleanup) => {
        const tokens = await startTokenService({ admin })
        cleanup.push(() => tokens.close())
        const container = await new RegistryContainer()
          .withTokenService(tokens)
          .withNetworking(networkMode())
          .start()
        cleanup.push(() => container.stop().then(() => undefined))
        return container.url
      }),
  },
}

// --- internal ---

type Cleanup = (() => Promise<void>)[]

/**
 * A fresh admin, the registry `start` brings up for it, and the provider in front of it. Closes
 * what was started in reverse order: on close, and when a later start step fails.
 */
async function providerTarget(
  start: (admin: Credentials, cleanup: Cleanup) => Promise<string>,
): Promise<ClientTarget> {
  const admin = { username: 'admin', password: randomBytes(24).toString('base64url') }
  const cleanup: Cleanup = []
  const close = async (): Promise<void> => {
    const errors: unknown[] = []
    for (const step of cleanup.splice(0).reverse()) await step().catch((e) => errors.push(e))
    if (errors.length > 0) throw new AggregateError(errors, 'closing an e2e target failed')
  }
  try {
    const url = await start(admin, cleanup)
    const provider = await local({ url, bindingName: BINDING, adminCredentials: admin })
    cleanup.push(() => provider.close())
    const authority = new URL(url).host
    return { provider, authority, admin, close, [Symbol.asyncDispose]: close }
  } catch (error) {
    await close().catch(() => undefined)
    throw error
  }
}
