import { type LocalBinding, ProvisionRecorder, type ProvisionResult } from '@artifact-registry/core'
import { mapError, platformError } from '../map-error.js'
import { checkAdminCredential } from './admin-credential.js'
import { bindingOf } from './binding.js'
import { inspectDataDirectory, removeDataDirectory } from './data-directory.js'
import { checkLocalRegistry } from './local-registry.js'
import { catalog, inNamespace, LOCAL_REPOSITORY, repositories } from './namespace-repositories.js'
import {
  type LocalDeprovisionOptions,
  type ResolvedProvisionOptions,
  resolveProvisionOptions,
} from './options.js'
import { type RegistrySession, sessionAt, sessionOnDataDirectory } from './registry-session.js'

/**
 * Deprovision a `local` binding: delete the repositories of its namespace through the registry
 * (credentials revoked, content removed), then, for a data directory that provision created and
 * that nothing else is left in, the directory. A registry by URL is never touched otherwise. A
 * data directory that does not exist is already gone: no changes.
 *
 * @throws ArtifactRegistryError `CONFLICT` listing the namespace's repositories while any remain,
 *   unless `force: true`; the errors of `provision`.
 */
export async function deprovision(
  options: LocalDeprovisionOptions,
): Promise<ProvisionResult<LocalBinding>> {
  const target = resolveProvisionOptions(options, 'deprovision')
  const recorder = new ProvisionRecorder(options)
  const force = options.force === true
  recorder.checkpoint()
  const binding = bindingOf(target)
  if (target.kind === 'url') {
    const session = sessionAt(target.url, target.admin, target.caCertificate)
    try {
      await checkLocalRegistry(session.client, recorder)
      await checkAdminCredential(session.client, target.admin.username, recorder)
      await deleteNamespace(session, target, force, recorder)
    } finally {
      await session.close()
    }
    return { binding, changes: recorder.changes }
  }
  const found = await inspectDataDirectory(target.dataDir)
  let remaining = 0
  if (found.state === 'registry') {
    // Closed before the directory may go: the registry holds its lock.
    const session = await sessionOnDataDirectory(target.dataDir)
    try {
      remaining = await deleteNamespace(session, target, force, recorder)
    } finally {
      await session.close()
    }
  }
  // Read again once the registry is closed: a forced deletion may take long, and files someone
  // put into the directory meanwhile are no registry's, so they keep it (the first read is older).
  const now = found.state === 'registry' ? await inspectDataDirectory(target.dataDir) : found
  await removeDataDirectory(target.dataDir, now, remaining, recorder)
  return { binding, changes: recorder.changes }
}

// --- Internal ---

/** How many repositories of a CONFLICT message are named; the count says how many more. */
const NAMED = 20

/**
 * Delete the repositories of the binding's namespace (or refuse, listing them, without `force`).
 * @returns how many repositories of other namespaces remain in the registry.
 */
async function deleteNamespace(
  session: RegistrySession,
  target: ResolvedProvisionOptions,
  force: boolean,
  recorder: ProvisionRecorder,
): Promise<number> {
  const where = target.kind === 'url' ? target.url : target.dataDir
  let all: string[]
  let ours: string[]
  try {
    all = await catalog(session.client, recorder)
    ours = await existing(session, inNamespace(all, target.bindingName), recorder)
  } catch (error) {
    recorder.checkpoint() // a cancelled run rejects with the signal's reason, not a mapped error
    throw mapError(error, { operation: 'list the repositories', resource: where })
  }
  if (ours.length > 0 && !force) {
    const more = ours.length > NAMED ? ` and ${ours.length - NAMED} more` : ''
    throw platformError(
      'CONFLICT',
      `The namespace "${target.bindingName}/" of ${where} still holds ${repositories(ours.length)}: ${ours.slice(0, NAMED).join(', ')}${more}. Delete them first, or pass force: true to delete them too.`,
    )
  }
  for (const name of ours) {
    await recorder.apply({ action: 'delete', kind: LOCAL_REPOSITORY, id: name }, async () => {
      try {
        await session.deleteRepository(name)
      } catch (error) {
        throw mapError(error, { operation: `delete ${name}`, resource: where })
      }
    })
  }
  return all.filter((name) => !name.startsWith(`${target.bindingName}/`)).length
}

/**
 * The names that exist as `getRepository` and `listRepositories` see repositories (the marker or
 * a tag): a registry:2 keeps a deleted repository in its catalog, and deprovisioning twice must
 * find it gone.
 */
async function existing(
  session: RegistrySession,
  names: readonly string[],
  recorder: ProvisionRecorder,
): Promise<string[]> {
  const found: string[] = []
  for (const name of names) {
    recorder.checkpoint()
    if ((await session.repositories.find(name)) !== undefined) found.push(name)
  }
  return found
}
