import type { ArtifactRegistryBinding } from './binding/types.js'

/** What provisioning did to one resource, or would do in a dry run. */
export interface ProvisionChange {
  /** `unchanged`: the resource exists exactly as provisioning wants it. */
  action: 'create' | 'update' | 'delete' | 'unchanged'
  /** The platform's kind of resource, e.g. `iam-role`, `gar-repository`, `role-assignment`. */
  kind: string
  /** The resource's platform id: an ARN, a resource name or a resource id. */
  id: string
  /** For `update` and `delete`: what differed or why, in a few words. Never a secret. */
  detail?: string
}

/** What `provision` and `deprovision` of a provider's `/provision` subpath return. */
export interface ProvisionResult<B extends ArtifactRegistryBinding = ArtifactRegistryBinding> {
  /** The binding for the runtime, ready for `ARTIFACT_REGISTRY_<NAME>_BINDING`. */
  binding: B
  /** Every resource provisioning manages, in the order it was handled. */
  changes: ProvisionChange[]
}

/** Options every provider's `provision` takes besides its platform's own. */
export interface ProvisionOptionsBase {
  /** Report the changes and make none: only read calls reach the platform. */
  dryRun?: boolean
  /** Cancels between platform calls; the promise rejects with the signal's reason. */
  signal?: AbortSignal
  /** Called for each change as it is decided (before it is made), e.g. to show progress. */
  onChange?: (change: ProvisionChange) => void
}

/** Options every provider's `deprovision` takes besides its platform's own. */
export interface DeprovisionOptionsBase extends ProvisionOptionsBase {
  /**
   * Delete even though repositories or images remain (they are deleted too). Without it,
   * `deprovision` refuses with `CONFLICT`, listing what remains.
   */
  force?: boolean
}
