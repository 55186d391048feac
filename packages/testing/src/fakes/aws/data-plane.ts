import { randomBytes } from 'node:crypto'
import { type LocalRegistry, startLocalRegistry } from '@artifact-registry/registry-server'
import { type DataPlaneAuthContext, dataPlaneAuthorizer } from './data-plane-auth.js'

/** What the data plane checks requests against: the fake's state, sessions, tokens and clock. */
export type DataPlaneDependencies = Omit<DataPlaneAuthContext, 'admin' | 'url'>

/**
 * The registry behind ECR, on 127.0.0.1: images live here, and the control plane deletes them
 * with their repository. One registry serves every region (a token names its region, and the
 * authorizer checks that region's repositories), so repositories of the same name in two regions
 * share their images, as a replica does once ECR has replicated them.
 */
export class EcrDataPlane {
  readonly #registry: LocalRegistry
  readonly #adminAuthorization: string

  private constructor(registry: LocalRegistry, adminAuthorization: string) {
    this.#registry = registry
    this.#adminAuthorization = adminAuthorization
  }

  /** Start the registry. */
  static async start(deps: DataPlaneDependencies): Promise<EcrDataPlane> {
    const admin = { username: 'aws-fake', password: randomBytes(24).toString('base64url') }
    let url = ''
    const registry = await startLocalRegistry({
      authorize: dataPlaneAuthorizer({ ...deps, admin, url: () => url }),
      // The fake collects no garbage on its own: a test may hold content as long as it likes.
      gcIntervalSeconds: 0,
    })
    url = registry.url
    const basic = Buffer.from(`${admin.username}:${admin.password}`).toString('base64')
    return new EcrDataPlane(registry, `Basic ${basic}`)
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return this.#registry.url
  }

  /** `127.0.0.1:<port>`: the registry host a client logs in to. */
  get host(): string {
    return `${this.#registry.host}:${this.#registry.port}`
  }

  /** Whether a repository holds anything: images, or layers pushed for one. */
  async holdsContent(name: string): Promise<boolean> {
    const res = await this.#admin('/v2/_catalog', 'GET')
    const { repositories } = (await res.json()) as { repositories?: string[] }
    return repositories?.includes(name) === true
  }

  /** Delete every image, tag and layer of a repository. */
  async deleteContent(name: string): Promise<void> {
    const res = await this.#admin(`/_artifact-registry/repositories/${name}`, 'DELETE')
    await res.body?.cancel()
  }

  close(): Promise<void> {
    return this.#registry.close()
  }

  async #admin(path: string, method: string): Promise<Response> {
    const res = await fetch(`${this.#registry.url}${path}`, {
      method,
      headers: { authorization: this.#adminAuthorization },
    })
    if (!res.ok) {
      await res.body?.cancel()
      throw new Error(`[aws-fake] the registry answered ${res.status} to ${method} ${path}`)
    }
    return res
  }
}
