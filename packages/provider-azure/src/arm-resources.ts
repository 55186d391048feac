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
