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
  /** Credentials stop working half-way to the expiresAt reported for them. */
  | 'expires-early'
  /** deleteRepository forgets the repository but leaves its images in the registry. */
  | 'delete-keeps-images'
  /** Pull credentials live an hour at the registry, whatever expiresAt says. */
  | 'pull-outlives-expiry'
  /**
   * deleteRepository deletes the images one by one, as any client could, and leaves the
   * repository's credentials working, while the provider declares that it revokes them.
   */
  | 'delete-keeps-credentials'
  /**
   * deleteRepository deletes, in the registry, every repository whose name starts with the one
   * given (`a-b` and `a/b` with `a`), as a delete by prefix or of a whole directory would.
   */
  | 'delete-by-prefix'
  /**
   * Credentials for a name with a `/` below the binding's namespace (`team/app`) are the registry
   * admin's, as from a provider that cannot scope such a name and falls back to a broad scope.
   */
  | 'nested-names-unscoped'
  /**
   * deleteRepository deletes the images one by one and takes the credentials back only when the
   * name is created again: until then, they push to and pull from the deleted name.
   */
  | 'revokes-on-create'

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
  plane: DataPlaneRegistry,
  options: {
    faults?: readonly DataPlaneFault[]
    repositoryScopedCredentials?: boolean
    /** What the provider declares; it revokes on delete either way (but for a fault). */
    revokesCredentialsOnDelete?: boolean
    /** The namespace of the binding. @default the reference provider's */
    binding?: string
  } = {},
): ArtifactRegistry {
  const { registry, admin } = plane
  const faults = new Set(options.faults ?? [])
  const base = reference(options.binding === undefined ? {} : { binding: options.binding })
  // The reference provider's binding is its namespace: `{binding}/`.
  const namespace = `${options.binding ?? 'artifacts'}/`
  const host = new URL(registry.url).host
  // The names `revokes-on-create` has deleted and not yet created again.
  const deletedNames = new Set<string>()
  return {
    ...base,
    capabilities: {
      ...base.capabilities,
      repositoryScopedCredentials: options.repositoryScopedCredentials ?? true,
      revokesCredentialsOnDelete: options.revokesCredentialsOnDelete ?? true,
    },
    registryEndpoint: registry.url,
    async generateCredentials(name, permission, ttl) {
      // The reference provider checks the name, the permission and the options.
      await base.generateCredentials(name, permission, ttl)
      const { seconds } = resolveCredentialTtl(TTL_RULES.local, ttl, 'reference')
      const nested = name.includes('/', namespace.length)
      if (faults.has('admin-for-everything') || (faults.has('nested-names-unscoped') && nested)) {
        const expiresAt = new Date(Date.now() + seconds * 1000)
        return { authMethod: 'basic', registry: host, ...admin, expiresAt }
      }
      const early = faults.has('expires-early')
      const outlives = faults.has('pull-outlives-expiry') && permission === 'pull'
      const { username, password, expiresAt } = await registry.generateCredentials(
        name,
        faults.has('pull-can-push') ? 'push-pull' : permission,
        early ? Math.max(1, Math.floor(seconds / 2)) : outlives ? 3600 : seconds,
      )
      const reported = early
        ? new Date(expiresAt.getTime() + (seconds * 1000) / 2)
        : outlives
          ? new Date(Date.now() + seconds * 1000)
          : expiresAt
      return { authMethod: 'basic', registry: host, username, password, expiresAt: reported }
    },
    async createRepository(logical) {
      const created = await base.createRepository(logical)
      if (deletedNames.delete(created.name)) await adminDeleteRepository(plane, created.name)
      return created
    },
    async deleteRepository(name) {
      await base.deleteRepository(name)
      if (faults.has('delete-keeps-images')) return
      if (faults.has('revokes-on-create')) {
        deletedNames.add(name)
        return deleteImagesOneByOne(plane, name)
      }
      if (faults.has('delete-keeps-credentials')) return deleteImagesOneByOne(plane, name)
      const doomed = faults.has('delete-by-prefix')
        ? (await catalog(plane)).filter((held) => held.startsWith(name))
        : [name]
      for (const gone of doomed) await adminDeleteRepository(plane, gone)
    },
  }
}

/** Delete a repository with the registry's admin endpoint: its manifests, tags and credentials. */
async function adminDeleteRepository(plane: DataPlaneRegistry, name: string): Promise<void> {
  const res = await adminRequest(plane, 'DELETE', `/_artifact-registry/repositories/${name}`)
  await res.body?.cancel()
  if (res.status !== 202 && res.status !== 404)
    throw new Error(`deleting ${name} in the registry answered ${res.status}`)
}

/** Every repository the registry holds, by its admin's catalog (one page: the test's are few). */
async function catalog(plane: DataPlaneRegistry): Promise<string[]> {
  const res = await adminRequest(plane, 'GET', '/v2/_catalog?n=10000')
  if (res.status !== 200) throw new Error(`the catalog answered ${res.status}`)
  return ((await res.json()) as { repositories: string[] }).repositories
}

/** A request to the registry as its admin. */
function adminRequest(
  { registry, admin }: DataPlaneRegistry,
  method: string,
  path: string,
  accept?: string,
): Promise<Response> {
  const basic = Buffer.from(`${admin.username}:${admin.password}`).toString('base64')
  return fetch(`${registry.url}${path}`, {
    method,
    headers: { authorization: `Basic ${basic}`, ...(accept === undefined ? {} : { accept }) },
  })
}

/** Delete every tagged manifest of `name` through the OCI API, leaving its credentials alone. */
async function deleteImagesOneByOne(plane: DataPlaneRegistry, name: string): Promise<void> {
  const list = await adminRequest(plane, 'GET', `/v2/${name}/tags/list`)
  if (list.status === 404) return
  const { tags } = (await list.json()) as { tags: string[] | null }
  for (const tag of tags ?? []) {
    const head = await adminRequest(plane, 'HEAD', `/v2/${name}/manifests/${tag}`, MANIFEST_TYPES)
    const digest = head.headers.get('docker-content-digest')
    if (digest === null) throw new Error(`no digest for ${name}:${tag} (${head.status})`)
    const deleted = await adminRequest(plane, 'DELETE', `/v2/${name}/manifests/${digest}`)
    await deleted.body?.cancel()
    if (deleted.status !== 202)
      throw new Error(`deleting ${name}@${digest} answered ${deleted.status}`)
  }
}

/** The manifest types skopeo pushes, for the HEAD that reads a tag's digest. */
const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ')

/** The registry checks expiry by this machine's clock: wait until `expiresAt` has passed. */
export async function waitUntilExpired(credentials: ArtifactRegistryCredentials): Promise<void> {
  await sleep(Math.max(0, (credentials.expiresAt?.getTime() ?? 0) - Date.now()) + 1)
}
