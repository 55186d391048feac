import type { ProvisionRecorder } from '@artifact-registry/core'
import { mapError, platformError, RegistryHttpError } from '../map-error.js'
import type { RegistryClient } from '../registry-client.js'

/** The kind of change for the registry at `url`, which provisioning checks and never creates. */
export const LOCAL_REGISTRY = 'local-registry'

/**
 * Check that an OCI registry answers at the client's URL: `GET /v2/` is 200, or 401 when it wants
 * credentials (OCI Distribution: the API version check), and record it `unchanged`.
 *
 * @throws ArtifactRegistryError `UNAVAILABLE` naming the URL when nothing answers there or it
 *   answers 5xx; `INVALID_CONFIG` when what answers is no registry.
 */
export async function checkLocalRegistry(
  client: RegistryClient,
  recorder: ProvisionRecorder,
): Promise<void> {
  recorder.checkpoint()
  const url = client.baseUrl
  try {
    const res = await client.fetch(`${url}/v2/`, {
      ...(recorder.signal && { signal: recorder.signal }),
    })
    await res.body?.cancel()
    if (res.status >= 500) throw new RegistryHttpError(res.status, '', 'GET /v2/')
    if (res.status !== 200 && res.status !== 401) {
      throw platformError(
        'INVALID_CONFIG',
        `${url} answered ${res.status} to GET /v2/: it is not an OCI registry (a registry answers 200 or 401)`,
      )
    }
  } catch (error) {
    recorder.checkpoint()
    throw mapError(error, { operation: 'check the registry', resource: url })
  }
  recorder.unchanged(LOCAL_REGISTRY, url)
}
