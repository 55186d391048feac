import type { Registry } from '@azure/arm-containerregistry'
import { platformError } from '../map-error.js'

/**
 * The ARM tag `provision` writes on a registry it creates: the mark of a registry provisioning
 * may converge and `deprovision` may delete. A registry without it was made by someone else
 * (by hand, by Terraform) and is never taken over or deleted.
 */
export const MANAGED_TAG = 'artifact-registry:managed'

/** The tags of a registry `provision` creates. */
export const MANAGED_TAGS: Readonly<Record<string, string>> = { [MANAGED_TAG]: 'true' }

/** Whether provisioning created `registry` (ARM tag names ignore case). */
export function isManaged(registry: Registry): boolean {
  return Object.entries(registry.tags ?? {}).some(
    ([name, value]) => name.toLowerCase() === MANAGED_TAG && value === MANAGED_TAGS[MANAGED_TAG],
  )
}

/**
 * Refuse to `provision` or `deprovision` a registry provisioning did not create.
 *
 * @throws ArtifactRegistryError `CONFLICT` naming the registry and how to hand it over.
 */
export function assertManaged(registry: Registry, verb: 'provision' | 'deprovision'): void {
  if (isManaged(registry)) return
  const doing = verb === 'provision' ? 'take it over' : 'delete it'
  throw platformError(
    'CONFLICT',
    `Registry "${registry.name}" (${registry.id}) exists but provisioning did not create it (it has no tag ${MANAGED_TAG}=true), so ${verb} will not ${doing}. To let provisioning manage it (and deprovision delete it), add that tag to it yourself`,
  )
}
