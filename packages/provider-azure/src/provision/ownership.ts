import type { Registry } from '@azure/arm-containerregistry'
import { platformError } from '../map-error.js'

/**
 * The ARM tag `provision` writes on a registry it creates: the mark of a registry provisioning
 * may converge and `deprovision` may delete. A registry without it was made by someone else
 * (by hand, by Terraform) and is never taken over or deleted.
 */
export const MANAGED_TAG = 'artifact-registry:managed'

/**
 * The ARM tag recording which binding a registry was provisioned for: its `repositoryPrefix`, or
 * {@link WHOLE_REGISTRY} for a binding without one. One registry serves one provisioned binding:
 * ACR's Azure roles are registry-wide, so prefixes on one registry would not keep bindings apart.
 */
export const PREFIX_TAG = 'artifact-registry:repository-prefix'

/**
 * The {@link PREFIX_TAG} value of a binding without a `repositoryPrefix`: no prefix is `/` (a
 * prefix never starts with one), and ARM asks for tag values that are not empty.
 */
export const WHOLE_REGISTRY = '/'

/** Which run checks a registry: what it would do to one that is not its own differs. */
export type OwnershipVerb = 'provision' | 'deprovision'

/** The tags of a registry `provision` creates for the binding of `prefix`. */
export function managedTags(prefix: string | undefined): Record<string, string> {
  return { [MANAGED_TAG]: 'true', [PREFIX_TAG]: prefix ?? WHOLE_REGISTRY }
}

/**
 * Refuse to `provision` or `deprovision` a registry unless provisioning created it (tag
 * {@link MANAGED_TAG}) for this very binding (tag {@link PREFIX_TAG} = `prefix`). Checked before
 * any write, so a refused run (a dry run too) changes nothing.
 *
 * @throws ArtifactRegistryError `CONFLICT` naming the registry, what it is recorded for, and how
 *   to hand it over.
 */
export function assertOwnBinding(
  registry: Registry,
  prefix: string | undefined,
  verb: OwnershipVerb,
): void {
  const wanted = prefix ?? WHOLE_REGISTRY
  const handOver = `add the tags yourself: az tag update --operation Merge --resource-id ${registry.id} --tags ${MANAGED_TAG}=true ${PREFIX_TAG}=${wanted}`
  const doing = verb === 'provision' ? 'take it over' : 'delete it'
  if (tagOf(registry, MANAGED_TAG) !== 'true') {
    throw platformError(
      'CONFLICT',
      `Registry "${registry.name}" (${registry.id}) exists but provisioning did not create it (it has no tag ${MANAGED_TAG}=true), so ${verb} will not ${doing}. To let provisioning manage it (and deprovision delete it), ${handOver}`,
    )
  }
  const recorded = tagOf(registry, PREFIX_TAG)
  if (recorded === undefined) {
    throw platformError(
      'CONFLICT',
      `Registry "${registry.name}" (${registry.id}) records no binding (it has no tag ${PREFIX_TAG}), so ${verb} will not ${doing}: one registry serves one provisioned binding. If this binding is the only one using it, ${handOver}`,
    )
  }
  if (recorded === wanted) return
  throw platformError(
    'CONFLICT',
    `Registry "${registry.name}" (${registry.id}) was provisioned for the binding with ${bindingName(recorded)} (tag ${PREFIX_TAG}=${recorded}), not ${bindingName(wanted)}, so ${verb} will not ${doing}. One registry serves one provisioned binding (ACR's roles are registry-wide, so prefixes would not keep bindings apart): use another registryName, or ${verb === 'provision' ? 'deprovision that binding first' : 'deprovision with that binding’s repositoryPrefix'}`,
  )
}

// --- Internal ---

/** The value of the tag `name` (ARM tag names ignore case), or `undefined` without it. */
function tagOf(registry: Registry, name: string): string | undefined {
  return Object.entries(registry.tags ?? {}).find(([tag]) => tag.toLowerCase() === name)?.[1]
}

function bindingName(tagValue: string): string {
  return tagValue === WHOLE_REGISTRY ? 'no repositoryPrefix' : `repositoryPrefix "${tagValue}"`
}
