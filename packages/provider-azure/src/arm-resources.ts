import type { ContainerRegistryManagementClient } from '@azure/arm-containerregistry'
import { statusOf } from './map-error.js'
import type { ScopeMapsDeps } from './scope-map.js'

/**
 * Run an ARM call where a missing resource is an answer, not a failure: `undefined` when ARM says
 * 404, and only then; any other failure is thrown as it came.
 */
export async function unlessNotFound<T>(operation: () => Promise<T>): Promise<T | undefined> {
  try {
    return await operation()
  } catch (err) {
    if (statusOf(err) === 404) return undefined
    throw err
  }
}

/**
 * The ARM client's operations on one kind of a registry's child resources: `client.scopeMaps` and
 * `client.tokens` both have this shape.
 */
export interface ChildResourceOperations<T> {
  get(group: string, registry: string, name: string): Promise<T>
  list(group: string, registry: string, options: { abortSignal?: AbortSignal }): PagedList<T>
  delete(
    group: string,
    registry: string,
    name: string,
    options: { updateIntervalInMs: number | undefined },
  ): Promise<void>
}

/** What the ARM client's lists have in common: pages, each continued from the one before. */
export interface PagedList<T> {
  byPage(settings: { continuationToken?: string }): AsyncIterableIterator<T[]>
}

/**
 * One kind of child resource of a registry, by name: read (a missing one is `undefined`), listed
 * (every page), deleted as a long-running operation polled every `pollIntervalMs` (a missing one is
 * already deleted). What differs between kinds, their creation, stays with each kind.
 */
export class RegistryChildResources<T> {
  protected readonly deps: ScopeMapsDeps
  readonly #kind: string
  readonly #operations: (client: ContainerRegistryManagementClient) => ChildResourceOperations<T>

  /**
   * @param kind What one is, for errors and events (`scope map`, `token`).
   * @param operations Picks the client's operations on this kind (`(client) => client.tokens`).
   */
  constructor(
    deps: ScopeMapsDeps,
    kind: string,
    operations: (client: ContainerRegistryManagementClient) => ChildResourceOperations<T>,
  ) {
    this.deps = deps
    this.#kind = kind
    this.#operations = operations
  }

  /** The one called `name`, or `undefined` when ARM says it does not exist. */
  getNamed(name: string): Promise<T | undefined> {
    const { client, resourceGroup, registryName, call } = this.deps
    return call('read', { operation: `read ${this.#kind}`, resource: name }, () =>
      unlessNotFound(() => this.#operations(client()).get(resourceGroup, registryName, name)),
    )
  }

  /**
   * Every one of the registry: each page (ARM's `nextLink`) is one call, rate-limited and retried
   * on its own. `signal` is checked before each page and cancels the first page's request; the
   * ARM client sends later pages without it, so an abort during one takes effect once it answers.
   *
   * @throws the signal's reason once it is aborted.
   */
  async list(signal?: AbortSignal): Promise<T[]> {
    const { client, resourceGroup, registryName, call } = this.deps
    const all: T[] = []
    let continuationToken: string | undefined
    do {
      const options = signal === undefined ? {} : { abortSignal: signal }
      const page = await call('read', { operation: `list ${this.#kind}s` }, async () => {
        // Also before a retry: an aborted page is not asked for again.
        signal?.throwIfAborted()
        const pages = this.#operations(client())
          .list(resourceGroup, registryName, options)
          .byPage({ continuationToken })
        return (await pages.next()).value as (T[] & { continuationToken?: string }) | undefined
      }).catch((err: unknown) => {
        signal?.throwIfAborted()
        throw err
      })
      all.push(...(page ?? []))
      continuationToken = page?.continuationToken
    } while (continuationToken !== undefined)
    signal?.throwIfAborted()
    return all
  }

  /** Delete the one called `name` and wait; a missing one is not an error. */
  deleteNamed(name: string): Promise<void> {
    const { client, resourceGroup, registryName, pollIntervalMs, call } = this.deps
    const options = { updateIntervalInMs: pollIntervalMs }
    return call('write', { operation: `delete ${this.#kind}`, resource: name }, async () => {
      await unlessNotFound(() =>
        this.#operations(client()).delete(resourceGroup, registryName, name, options),
      )
    })
  }
}
