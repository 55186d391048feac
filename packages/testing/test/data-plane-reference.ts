import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  type ArtifactRegistry,
  type ArtifactRegistryCredentials,
  resolveCredentialTtl,
  TTL_RULES,
} from '@artifact-registry/core'
import { type LocalRegistry, startLocalRegistry } from '@artifact-registry/registry-server'
import { reference } from './reference-provider.js'

/** Deliberate defects of the data plane, to prove that the group fails on them. */
export type DataPlaneFault =
  /** Pull credentials are minted with push-pull rights. */
  | 'pull-can-push'
  /** Every credential is the registry admin's: any repository, any action, no expiry. */
  | 'admin-for-everything'

/** A registry server with auth on, and the admin credentials that mint for it. */
export interface DataPlaneRegistry {
  registry: LocalRegistry
  admin: { username: string; password: string }
}

/** Start a registry on 127.0.0.1 that mints Basic credentials, as provider-local's does. */
export async function startDataPlaneRegistry(): Promise<DataPlaneRegistry> {
  const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
  return { registry: await startLocalRegistry({ adminCredentials: admin }), admin }
}

/**
 * The in-memory reference provider, with credentials minted by a real registry server: its
 * control plane stays in memory, its data plane is the registry's.
 */
export function referenceWithDataPlane(
  { registry, admin }: DataPlaneRegistry,
  options: { faults?: readonly DataPlaneFault[]; repositoryScopedCredentials?: boolean } = {},
): ArtifactRegistry {
  const faults = new Set(options.faults ?? [])
  const base = reference()
  const host = new URL(registry.url).host
  return {
    ...base,
    capabilities: {
      ...base.capabilities,
      repositoryScopedCredentials: options.repositoryScopedCredentials ?? true,
    },
    registryEndpoint: registry.url,
    async generateCredentials(name, permission, ttl) {
      // The reference provider checks the name, the permission and the options.
      await base.generateCredentials(name, permission, ttl)
      const { seconds } = resolveCredentialTtl(TTL_RULES.local, ttl, 'reference')
      if (faults.has('admin-for-everything')) {
        const expiresAt = new Date(Date.now() + seconds * 1000)
        return { authMethod: 'basic', registry: host, ...admin, expiresAt }
      }
      const { username, password, expiresAt } = await registry.generateCredentials(
        name,
        faults.has('pull-can-push') ? 'push-pull' : permission,
        seconds,
      )
      return { authMethod: 'basic', registry: host, username, password, expiresAt }
    },
  }
}

/** The registry checks expiry by this machine's clock: wait until `expiresAt` has passed. */
export async function waitUntilExpired(credentials: ArtifactRegistryCredentials): Promise<void> {
  await sleep(Math.max(0, (credentials.expiresAt?.getTime() ?? 0) - Date.now()) + 1)
}
