import { type LocalBinding, ProvisionRecorder, type ProvisionResult } from '@artifact-registry/core'
import { mapError, platformError, RegistryHttpError } from '../map-error.js'
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
 * (credentials revoked, content removed), revoke the credentials of any name of it the catalog
 * lists without a repository left (see the README), then, for a data directory that provision
 * created and that nothing else is left in, the directory. A registry by URL is never touched otherwise. A
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
    const session = sessionAt(
      target.url,
      target.admin,
      target.caCertificate,
      target.tokenServiceUrl,
    )
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

/** The kind of change for the credentials of a namespace name that holds no repository any more. */
const LOCAL_CREDENTIALS = 'local-credentials'

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
  let named: string[]
  let ours: string[]
  try {
    all = await catalog(session.client, recorder)
    named = inNamespace(all, target.bindingName)
    ours = await existing(session, named, recorder)
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
  const emptied = named.filter((name) => !ours.includes(name))
  await revokeLeftCredentials(session, emptied, where, recorder)
  await revokeNamespaceCredentials(session, target.bindingName, where, recorder)
  return all.filter((name) => !name.startsWith(`${target.bindingName}/`)).length
}

/**
 * Revoke the credentials of the namespace's names that the catalog lists but that no longer exist
 * as repositories (their marker deleted, with every tag, through a push-pull credential: a
 * cleanup of untagged manifests does it). Such a credential still pushes into the name, so a
 * deprovision that left it would leave an identity able to act. Revoking is a write, and the
 * registry has no read of the credentials it holds: a dry run leaves this out, and a real run
 * records a `delete` only for a name whose credentials were there to revoke, so a second run
 * (registry:2 keeps such names in its catalog) reports none.
 */
async function revokeLeftCredentials(
  session: RegistrySession,
  names: readonly string[],
  where: string,
  recorder: ProvisionRecorder,
): Promise<void> {
  if (recorder.dryRun) return
  for (const name of names) {
    await revokeRecorded(recorder, {
      id: name,
      of: 'a name with no repository left',
      revoke: () => session.revokeCredentials(name),
      failure: (error) =>
        mapError(error, { operation: `revoke the credentials of ${name}`, resource: where }),
    })
  }
}

/**
 * Revoke every credential left under the namespace, after its repositories and the names the
 * catalog lists: a name whose push-pull credential deleted its marker and unlinked the marker's
 * blob holds nothing, so it has left the catalog (and a collection of garbage does the same to
 * one emptied otherwise), while the credential still pushes there. A dry run leaves this out, as
 * {@link revokeLeftCredentials}. A registry or token service too old to revoke by namespace
 * answers 400: `INVALID_CONFIG` asking to upgrade it, rather than a deprovision that reports
 * success with such credentials live (the repositories are gone by then; a second run after the
 * upgrade finishes).
 */
async function revokeNamespaceCredentials(
  session: RegistrySession,
  namespace: string,
  where: string,
  recorder: ProvisionRecorder,
): Promise<void> {
  if (recorder.dryRun) return
  await revokeRecorded(recorder, {
    id: `${namespace}/`,
    of: 'names the catalog no longer lists',
    revoke: () => session.revokeNamespace(namespace),
    failure: (error) =>
      error instanceof RegistryHttpError && error.status === 400
        ? platformError(
            'INVALID_CONFIG',
            `${where} cannot revoke the credentials of the namespace "${namespace}/" (it answered 400: a registry or token service older than this provider): upgrade it and deprovision again, or credentials of names that no longer hold anything stay valid until they expire`,
          )
        : mapError(error, {
            operation: `revoke the credentials of ${namespace}/`,
            resource: where,
          }),
  })
}

/**
 * Revoke, and record a `delete` of kind `local-credentials` as `id` when any credential was live
 * (none recorded otherwise, so a second run reports nothing). A failure is thrown as `failure`
 * makes it, after the run's cancellation is checked (a cancelled run rejects with its reason).
 */
async function revokeRecorded(
  recorder: ProvisionRecorder,
  revocation: {
    id: string
    /** Whose credentials, for the change's detail. */
    of: string
    revoke: () => Promise<number>
    failure: (error: unknown) => Error
  },
): Promise<void> {
  recorder.checkpoint()
  let revoked: number
  try {
    revoked = await revocation.revoke()
  } catch (error) {
    recorder.checkpoint()
    throw revocation.failure(error)
  }
  if (revoked === 0) return
  const detail = `${revoked} live credential${revoked === 1 ? '' : 's'} of ${revocation.of}: revoked`
  await recorder.apply(
    { action: 'delete', kind: LOCAL_CREDENTIALS, id: revocation.id, detail },
    async () => {},
  )
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
