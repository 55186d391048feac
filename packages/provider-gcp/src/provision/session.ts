import { type GcpBinding, ProvisionRecorder, type ProvisionResult } from '@artifact-registry/core'
import type { ArtifactRegistryClient } from '@google-cloud/artifact-registry'
import { GcpClients } from '../clients.js'
import { PLATFORM } from '../platform.js'
import type { IamApi } from './iam-api.js'
import {
  type GcpDeprovisionOptions,
  type GcpProvisionOptions,
  type ResolvedProvisionOptions,
  resolveProvisionOptions,
} from './options.js'

/** A `gcp` binding naming both service accounts, as provisioning returns it. */
export type ProvisionedGcpBinding = GcpBinding &
  Required<Pick<GcpBinding, 'pullServiceAccount' | 'pushServiceAccount'>>

/** @internal What one `provision` or `deprovision` run works with. */
export interface ProvisionSession {
  readonly options: ResolvedProvisionOptions
  readonly recorder: ProvisionRecorder
  readonly artifactRegistry: ArtifactRegistryClient
  readonly iam: IamApi
}

/**
 * @internal Validate the options (before any call), open the clients of the provisioning
 * identity, run `work`, and close what was opened: the result is the binding of the options and
 * every change recorded.
 */
export async function runSession(
  options: GcpProvisionOptions | GcpDeprovisionOptions,
  purpose: 'provision' | 'deprovision',
  work: (session: ProvisionSession) => Promise<void>,
): Promise<ProvisionResult<ProvisionedGcpBinding>> {
  const resolved = resolveProvisionOptions(options, purpose)
  const recorder = new ProvisionRecorder(options)
  recorder.checkpoint()
  const clients = new GcpClients(options)
  try {
    const artifactRegistry = await clients.artifactRegistry()
    const iam = {
      source: await clients.auth(),
      endpoint: resolved.iamEndpoint,
      signal: recorder.signal,
    }
    await work({ options: resolved, recorder, artifactRegistry, iam })
  } finally {
    await clients.close()
  }
  return { binding: bindingOf(resolved), changes: recorder.changes }
}

// --- Internal ---

function bindingOf(options: ResolvedProvisionOptions): ProvisionedGcpBinding {
  return {
    platform: PLATFORM,
    projectId: options.ref.projectId,
    location: options.ref.location,
    repository: options.ref.repository,
    pullServiceAccount: options.pullServiceAccount.email,
    pushServiceAccount: options.pushServiceAccount.email,
  }
}
