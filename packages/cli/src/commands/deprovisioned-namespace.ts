import type { ProvisionChange } from '@artifact-registry/core'
import { forgetCachedCredentials } from '../credential-helper/forget-revoked.js'
import type { CommandIo } from '../io.js'
import { loadRegistryServer } from '../registry-server-module.js'

/** The namespace provider-local's `deprovision` uses when the options name none. */
const DEFAULT_NAMESPACE = 'artifacts'

/** Where a `deprovision local` run takes credentials back: the registry, and the namespace. */
export interface DeprovisionedNamespace {
  /** The registry's endpoint, as `forgetCachedCredentials` takes it. */
  readonly endpoint: string
  readonly namespace: string
}

/**
 * The registry and namespace a `deprovision local` run revokes every credential of, found before
 * it runs: a data directory's registry is known by the port it recorded there, and the run may
 * delete the directory. `undefined` when the run revokes nothing the credential helper may hold
 * (a dry run, another platform or verb, a data directory never served); the provider validates
 * the options, so one it would refuse is simply not followed up.
 */
export async function deprovisionedNamespace(
  run: { platform: string; verb: string; dryRun: boolean },
  options: Readonly<Record<string, unknown>>,
): Promise<DeprovisionedNamespace | undefined> {
  if (run.platform !== 'local' || run.verb !== 'deprovision' || run.dryRun) return undefined
  const namespace =
    typeof options.bindingName === 'string' ? options.bindingName : DEFAULT_NAMESPACE
  if (typeof options.url === 'string') return { endpoint: options.url, namespace }
  if (typeof options.dataDir !== 'string') return undefined
  const port = await embeddedPort(options.dataDir, options.port)
  // A data directory's binding has no host: its embedded registry, and so every credential
  // minted on it, is at 127.0.0.1 (provider-local's default).
  return port === undefined ? undefined : { endpoint: `http://127.0.0.1:${port}`, namespace }
}

/**
 * After a `deprovision local` run that revoked credentials (it succeeded, or deleted something
 * before it failed), drop them from this user's credential helper cache, as `revoke` does: the
 * helper otherwise kept handing docker the revoked credentials of the namespace, refused on every
 * pull and push until their reuse limit, even once the namespace was provisioned again.
 */
export async function forgetDeprovisionedCredentials(
  io: Pick<CommandIo, 'env' | 'stderr'>,
  target: DeprovisionedNamespace | undefined,
  outcome: { succeeded: boolean; changes: readonly ProvisionChange[] },
): Promise<void> {
  if (target === undefined) return
  const revoked = outcome.succeeded || outcome.changes.some((change) => change.action === 'delete')
  if (!revoked) return
  await forgetCachedCredentials(io, target.endpoint, { namespace: target.namespace })
}

/**
 * The port the embedded registry of `dataDir` serves on: the options' own, else the one the
 * directory recorded; `undefined` when neither says (never served, or a record that cannot be
 * read: the run itself reports that).
 */
async function embeddedPort(dataDir: string, given: unknown): Promise<number | undefined> {
  if (typeof given === 'number' && given > 0) return given
  try {
    const { readRememberedPort } = await loadRegistryServer()
    const remembered = await readRememberedPort(dataDir)
    return remembered.state === 'port' ? remembered.port : undefined
  } catch {
    return undefined
  }
}
