import { type LocalBinding, ProvisionRecorder, type ProvisionResult } from '@artifact-registry/core'
import { checkAdminCredential } from './admin-credential.js'
import { bindingOf } from './binding.js'
import { provisionDataDirectory } from './data-directory.js'
import { checkLocalRegistry } from './local-registry.js'
import { type LocalProvisionOptions, resolveProvisionOptions } from './options.js'
import { sessionAt } from './registry-session.js'

/**
 * Provision a `local` binding. With `url`: check that the registry answers and that the admin
 * credential works (both `unchanged`: provisioning creates nothing there); the binding holds the
 * admin password as a `${VAR}` placeholder. With `dataDir`: create and initialise the embedded
 * registry's data directory, or converge it (`create`, `update` or `unchanged`).
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming every bad option; `UNAVAILABLE` naming
 *   the URL when the registry cannot be reached, or the holder of a data directory in use;
 *   `PERMISSION_DENIED` naming the URL when the admin credential is refused.
 */
export async function provision(
  options: LocalProvisionOptions,
): Promise<ProvisionResult<LocalBinding>> {
  const target = resolveProvisionOptions(options, 'provision')
  const recorder = new ProvisionRecorder(options)
  recorder.checkpoint()
  if (target.kind === 'data-directory') {
    await provisionDataDirectory(target, recorder)
  } else {
    const session = sessionAt(
      target.url,
      target.admin,
      target.caCertificate,
      target.tokenServiceUrl,
    )
    try {
      await checkLocalRegistry(session.client, recorder)
      await checkAdminCredential(session.client, target.admin.username, recorder)
    } finally {
      await session.close()
    }
  }
  return { binding: bindingOf(target), changes: recorder.changes }
}
