import { randomBytes } from 'node:crypto'
import {
  type AccessRequest,
  type AuthorizeInput,
  type AuthorizeResult,
  type LocalRegistry,
  parseBasic,
  startLocalRegistry,
} from '@artifact-registry/registry-server'
import type { AccessTokens } from './access-tokens.js'
import type { GarStore } from './gar-store.js'
import type { IamPolicyStore } from './iam-policy-store.js'
import type { Roles } from './roles.js'
import { scopesAllow } from './token-scopes.js'

/** @internal What the data plane checks a request against. */
export interface GarDataPlaneDeps {
  readonly gar: GarStore
  readonly iam: IamPolicyStore
  readonly roles: Roles
  readonly accessTokens: AccessTokens
  /** The fake's caller: it holds every permission, as a project owner does. */
  readonly caller: string
}

/** Where the data plane listens, as `fake.dataPlane` tells clients. */
export interface GcpFakeDataPlane {
  /** `127.0.0.1:{port}`: the registry host credentials are for, in place of `{location}-docker.pkg.dev`. */
  readonly registry: string
  /** Whether it serves HTTPS (with the certificate the fake was started with). */
  readonly tls: boolean
  /** PEM of the certificate to trust, when it serves HTTPS. */
  readonly caCertificate?: string
}

// The Docker username GAR takes with an OAuth access token as password.
const TOKEN_USERNAME = 'oauth2accesstoken'
const ADMIN_USERNAME = 'gcp-fake-admin'

// What each registry action needs on the GAR repository, as Artifact Registry's audit log lists
// its Docker methods: reads download, uploads upload, deletes of manifests and tags delete.
const PERMISSION_OF_ACTION: Readonly<Record<string, string>> = {
  pull: 'artifactregistry.repositories.downloadArtifacts',
  push: 'artifactregistry.repositories.uploadArtifacts',
  delete: 'artifactregistry.repositories.deleteArtifacts',
}

/**
 * @internal The GAR data plane: an OCI registry on 127.0.0.1 standing in for
 * `{location}-docker.pkg.dev`, whose every request is decided as Artifact Registry decides it.
 * Clients log in as `oauth2accesstoken` with an access token (or send it as a Bearer token); the
 * token must be one the fake issued and not expired on its clock, minted with an OAuth scope that
 * allows each action (`scopesAllow`: a read-only one only pulls), and its holder must hold, on the
 * GAR repository of the image path `{project}/{repository}/{image}`, the permission of each action
 * (pull `downloadArtifacts`, push `uploadArtifacts`, delete `deleteArtifacts`), through the
 * repository's own policy or its project's. A GAR repository that does not exist, or is not
 * Docker format, is refused as one the caller may not use; a push to a remote or virtual one,
 * which GAR keeps read-only, is refused whoever sends it. An image path gets its package when
 * its first manifest is pushed.
 */
export class GarDataPlane {
  readonly #adminPassword = randomBytes(24).toString('base64url')
  readonly #registry: LocalRegistry
  readonly #deps: GarDataPlaneDeps
  // Every image path something was uploaded to, so removing a package or GAR repository can
  // remove its content from the registry too.
  readonly #written = new Set<string>()

  private constructor(registry: LocalRegistry, deps: GarDataPlaneDeps, decide: Decide) {
    this.#registry = registry
    this.#deps = deps
    decide.to = (input) => this.#authorize(input)
  }

  /** Start the registry (in memory, on a free port of 127.0.0.1). */
  static async start(
    deps: GarDataPlaneDeps,
    tls: { key: string; cert: string } | undefined,
  ): Promise<GarDataPlane> {
    // The registry needs its authorizer before the data plane exists to decide anything.
    const decide: Decide = { to: () => ({ ok: false, reason: 'unauthenticated' }) }
    const registry = await startLocalRegistry({
      authorize: (input) => decide.to(input),
      ...(tls === undefined ? {} : { tls }),
      logLevel: 'silent',
      gcIntervalSeconds: 0,
    })
    return new GarDataPlane(registry, deps, decide)
  }

  /** `http(s)://127.0.0.1:{port}`. */
  get url(): string {
    return this.#registry.url
  }

  /** `127.0.0.1:{port}`. */
  get host(): string {
    return new URL(this.#registry.url).host
  }

  /** Remove the content of one image path (its package was deleted). */
  async removeImagePath(path: string): Promise<void> {
    if (!this.#written.delete(path)) return
    const res = await fetch(`${this.url}/_artifact-registry/repositories/${path}`, {
      method: 'DELETE',
      headers: { authorization: this.#adminAuthorization() },
    })
    await res.body?.cancel()
    if (!res.ok) throw new Error(`[gcp-fake] the data plane did not remove ${path}: ${res.status}`)
  }

  /** Remove the content of every image path under `prefix` (a GAR repository was deleted). */
  async removeImagePathsUnder(prefix: string): Promise<void> {
    for (const path of [...this.#written].filter((p) => p.startsWith(prefix))) {
      await this.removeImagePath(path)
    }
  }

  close(): Promise<void> {
    return this.#registry.close()
  }

  // --- Internal ---

  #authorize(input: AuthorizeInput): AuthorizeResult {
    const basic = parseBasic(input.authorization)
    if (basic?.username === ADMIN_USERNAME && basic.password === this.#adminPassword) {
      return { ok: true, subject: ADMIN_USERNAME }
    }
    const token =
      basic?.username === TOKEN_USERNAME
        ? basic.password
        : /^Bearer (\S+)$/i.exec(input.authorization ?? '')?.[1]
    const member = token === undefined ? undefined : this.#deps.accessTokens.holder(token)
    if (token === undefined || member === undefined) return { ok: false, reason: 'unauthenticated' }
    const scopes = this.#deps.accessTokens.scopes(token)
    for (const access of input.access) {
      if (!access.actions.every((action) => scopesAllow(scopes, action))) {
        return { ok: false, reason: 'denied' }
      }
      if (!this.#allows(member, access)) return { ok: false, reason: 'denied' }
    }
    this.#recordWrites(input)
    return { ok: true, subject: member }
  }

  #allows(member: string, access: AccessRequest): boolean {
    // The catalog and the registry's own admin endpoints are not GAR's to grant.
    if (access.type !== 'repository') return false
    const resource = this.#garRepositoryOf(access.name)
    if (resource === undefined) return false
    // Remote and virtual repositories are read-only, whoever pushes: only a standard one stores.
    if (access.actions.includes('push') && !this.#deps.gar.acceptsUploads(resource)) return false
    if (member === this.#deps.caller) return true
    // A repository inherits its project's policy, as every resource below a project does: a role
    // granted on the project reaches the repository as one granted on the repository itself.
    const policies = [this.#deps.iam.get(resource), this.#deps.iam.get(parentProjectOf(resource))]
    return access.actions.every((action) => {
      const permission = PERMISSION_OF_ACTION[action]
      return (
        permission !== undefined &&
        policies.some((policy) => this.#deps.roles.grants(policy, member, permission))
      )
    })
  }

  #recordWrites(input: AuthorizeInput): void {
    for (const access of input.access) {
      if (!access.actions.includes('push')) continue
      this.#written.add(access.name)
      const { method, endpoint } = input.request
      const resource = this.#garRepositoryOf(access.name)
      if (method === 'PUT' && endpoint === 'manifest' && resource !== undefined) {
        this.#deps.gar.push(resource, imagePathOf(access.name))
      }
    }
  }

  /** The GAR repository of `{project}/{repository}/{image}`, when it exists in Docker format. */
  #garRepositoryOf(name: string): string | undefined {
    const [project, repository, ...image] = name.split('/')
    if (project === undefined || repository === undefined || image.length === 0) return undefined
    return this.#deps.gar.dockerRepository(project, repository)
  }

  #adminAuthorization(): string {
    const pair = `${ADMIN_USERNAME}:${this.#adminPassword}`
    return `Basic ${Buffer.from(pair).toString('base64')}`
  }
}

/** The registry's authorizer, bound once the data plane exists. */
interface Decide {
  to: (input: AuthorizeInput) => AuthorizeResult
}

/** `projects/{project}` of a GAR repository's resource name. */
function parentProjectOf(resource: string): string {
  return resource.split('/').slice(0, 2).join('/')
}

function imagePathOf(name: string): string {
  return name.split('/').slice(2).join('/')
}
