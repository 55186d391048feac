import type { ProvisionRecorder } from '@artifact-registry/core'
import { mapError, platformError, RegistryHttpError } from '../map-error.js'
import type { RegistryClient } from '../registry-client.js'

/** The kind of change for the admin credential provisioning checks. */
export const ADMIN_CREDENTIAL = 'admin-credential'

/**
 * Check that the client's admin credential works, with a call only the admin may make: one entry
 * of the catalog (through a token when a token service fronts the registry), and record it
 * `unchanged`. The provider mints, revokes and deletes with this credential.
 *
 * @throws ArtifactRegistryError `PERMISSION_DENIED` naming the URL and the user (never the
 *   password) when the registry refuses it.
 */
export async function checkAdminCredential(
  client: RegistryClient,
  username: string,
  recorder: ProvisionRecorder,
): Promise<void> {
  recorder.checkpoint()
  const url = client.baseUrl
  try {
    // 401 with a Bearer challenge sends the client to the token realm, which may refuse in turn.
    const res = await client.request('GET', '/v2/_catalog?n=1', {
      ...(recorder.signal && { signal: recorder.signal }),
    })
    await res.body?.cancel()
    if (res.status !== 200) throw new RegistryHttpError(res.status, '', 'GET /v2/_catalog')
  } catch (error) {
    recorder.checkpoint()
    if (error instanceof RegistryHttpError && (error.status === 401 || error.status === 403)) {
      throw platformError(
        'PERMISSION_DENIED',
        `The registry at ${url} refused the admin credential of "${username}" (${error.message}; only the admin may list the catalog): check the admin password`,
        { cause: error },
      )
    }
    throw mapError(error, { operation: 'check the admin credential', resource: url })
  }
  recorder.unchanged(ADMIN_CREDENTIAL, adminCredentialId(url, username))
}

/** The id of the admin credential in changes: the user at the registry. */
export function adminCredentialId(url: string, username: string): string {
  return `${username}@${url}`
}
