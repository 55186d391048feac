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
 * Read the registry's child resource `name` (a scope map, a token) through `get`; `undefined` when
 * ARM says it does not exist.
 *
 * @param kind What it is, for errors and events (`scope map`, `token`).
 */
export function readChildResource<T>(
  deps: ScopeMapsDeps,
  kind: string,
  name: string,
  get: (client: ContainerRegistryManagementClient) => Promise<T>,
): Promise<T | undefined> {
  return deps.call('read', { operation: `read ${kind}`, resource: name }, () =>
    unlessNotFound(() => get(deps.client())),
  )
}

/**
 * Every child resource of one kind of the registry, through the SDK's paged `list`.
 *
 * @param kinds What they are, for errors and events (`scope maps`, `tokens`).
 */
export function listChildResources<T>(
  deps: ScopeMapsDeps,
  kinds: string,
  list: (client: ContainerRegistryManagementClient) => AsyncIterable<T>,
): Promise<T[]> {
  return deps.call('read', { operation: `list ${kinds}` }, async () => {
    const all: T[] = []
    for await (const item of list(deps.client())) all.push(item)
    return all
  })
}

/**
 * Delete the registry's child resource `name` (a scope map, a token) through `remove`, a
 * long-running operation polled every `pollIntervalMs`, and wait. One already gone is done.
 *
 * @param kind What it is, for errors and events (`scope map`, `token`).
 */
export function deleteChildResource(
  deps: ScopeMapsDeps,
  kind: string,
  name: string,
  remove: (
    client: ContainerRegistryManagementClient,
    options: { updateIntervalInMs: number | undefined },
  ) => Promise<void>,
): Promise<void> {
  return deps.call('write', { operation: `delete ${kind}`, resource: name }, async () => {
    await unlessNotFound(() => remove(deps.client(), { updateIntervalInMs: deps.pollIntervalMs }))
  })
}
