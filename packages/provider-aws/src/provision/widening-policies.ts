import type { Permission } from '@artifact-registry/core'
import type { ProvisionContext } from './context.js'
import type { RolePolicyState } from './iam-role-policy.js'
import type { ResolvedOptions } from './options.js'
import {
  type IamPolicyDocument,
  policyRegions,
  repositoryPatterns,
  rolePolicy,
} from './policy-documents.js'

/**
 * @internal For a run that drops a region (whose policies are narrowed only after the rule), the
 * inline policy to put into each role (by name) before the replication rule is written: for a
 * role whose policy, as read, does not name the home region and every one of
 * `replicationRegions`, its policy on the home region, `replicationRegions` and `formerRegions`
 * together. Only the roles' policies tell provisioning which of the rule's destinations are its
 * own (a destination added by hand stays), and which registries hold the prefix's rule (the one
 * of a new home region included), so a region must be in them before it is in, or holds, the
 * rule: a run failing in between leaves a region that the next run, or `deprovision`, without
 * it still takes out. Roles naming every region already are left out (nothing to write before
 * the rule).
 */
export function wideningPolicies(
  ctx: ProvisionContext,
  o: ResolvedOptions,
  roles: readonly { name: string; permission: Permission; policy: RolePolicyState }[],
  formerRegions: readonly string[],
): Map<string, IamPolicyDocument> {
  const regions = [...new Set([o.region, ...o.replicationRegions, ...formerRegions])]
  const patterns = repositoryPatterns(ctx.partition, regions, ctx.accountId, o.prefix)
  const widened = new Map<string, IamPolicyDocument>()
  for (const role of roles) {
    const named = policyRegions(role.policy.document, ctx.partition, ctx.accountId, o.prefix)
    // The home region too: after `region` changed, the rule is written into the new home
    // region's registry, which only the policies lead a rerun with the former region to.
    if ([o.region, ...o.replicationRegions].every((region) => named.includes(region))) continue
    widened.set(role.name, rolePolicy(role.permission, patterns))
  }
  return widened
}
