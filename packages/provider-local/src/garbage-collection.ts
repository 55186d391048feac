import type { GarbageCollectionResult } from '@artifact-registry/registry-server'
import { platformError, RegistryHttpError } from './map-error.js'
import type { RegistryClient } from './registry-client.js'

/**
 * Ask the registry at the client's URL to collect garbage now, at its admin endpoint
 * `POST /_artifact-registry/gc`. A registry:2 has no such endpoint (it collects offline only).
 * @throws ArtifactRegistryError `NOT_SUPPORTED` when the registry does not offer it
 */
export async function collectRemoteGarbage(
  client: RegistryClient,
): Promise<GarbageCollectionResult> {
  const res = await client.request('POST', '/_artifact-registry/gc')
  if (res.status === 404 || res.status === 405) {
    await res.body?.cancel()
    throw platformError(
      'NOT_SUPPORTED',
      `collectGarbage: the registry at ${client.baseUrl} has no online garbage collection (a registry:2 collects with its offline garbage-collect command)`,
    )
  }
  if (res.status !== 200)
    throw new RegistryHttpError(res.status, await res.text(), 'POST /_artifact-registry/gc')
  return (await res.json()) as GarbageCollectionResult
}
