import type { AwsBinding, Permission, ProvisionResult } from '@artifact-registry/core'
import { PLATFORM } from '../platform.js'
import { repositoriesInDroppedRegions } from './dropped-regions.js'
import {
  ensureRolePolicy,
  ROLE_POLICY_NAME,
  type RolePolicyState,
  readRolePolicy,
} from './iam-role-policy.js'
import { ensureRole } from './iam-roles.js'
import { type AwsProvisionOptions, resolveOptions } from './options.js'
import { refuseConflicts, survey } from './ownership-check.js'
import {
  type IamPolicyDocument,
  policyRegions,
  repositoryPatterns,
  rolePolicy,
  trustPolicy,
} from './policy-documents.js'
import { prefixesOverlap } from './provisioned-prefixes.js'
import { deleteFormerHomeRules, ensureReplicationRule } from './replication-rule.js'
import { provisioningRun } from './run.js'
import { runtimePolicy } from './runtime-policy.js'
import { wideningPolicies } from './widening-policies.js'

/** What {@link provision} returns: the binding, the changes, and the runtime identity's policy. */
export interface AwsProvisionResult extends ProvisionResult<AwsBinding> {
  /**
   * The least IAM policy the runtime identity (the trusted principal) needs for this binding:
   * its repository actions under the prefix, `ecr:DescribeRepositories` on `repository/*` for
   * `listRepositories`, `sts:AssumeRole` on both roles, and with replicas `ecr:DescribeRegistry`.
   * Attach it to that identity; provisioning does not.
   */
  runtimePolicy: IamPolicyDocument
}

/**
 * Create, or converge, the IAM roles `{name}-pull` and `{name}-push` (trusting exactly
 * `trustedPrincipals`, 12-hour sessions, the ownership tag, one inline policy each with the
 * runtime's actions on `repository/{prefix}-*`) and, with `replicationRegions`, the prefix's
 * replication rule. Reads first and changes only what differs; `dryRun` only reads. The policies
 * name a region (a replica region, or a new home region whose registry gets the rule) before the
 * rule does and after it no longer does (they are how a later run tells the rule's destinations it
 * added from those added by hand, and finds the registries holding the rule).
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming every invalid option (before any call);
 *   `CONFLICT`, before any change, naming a role provisioning did not create for this prefix, a
 *   policy in a role it did not put there, or another binding whose prefix overlaps this one
 *   (the same, or one is the other followed by `-`), or a repository under the prefix left in a
 *   region the run gives up: one dropped from `replicationRegions`, or the former home region
 *   when `region` changed (`deprovision` would no longer find it); `INVALID_ARGUMENT` when IAM does not know a
 *   trusted principal; a mapped AWS error otherwise. A cancelled `signal` rejects with its reason.
 */
export async function provision(options: AwsProvisionOptions): Promise<AwsProvisionResult> {
  const o = resolveOptions(options, 'provision')
  return provisioningRun(o, options, async (ctx) => {
    const found = await survey(ctx, o.name)
    const overlapping = found.others
      .filter((other) => prefixesOverlap(other.prefix, o.prefix))
      .map(
        (other) => `prefix ${other.prefix} of role ${other.roleName}, which overlaps ${o.prefix}`,
      )
    refuseConflicts('provision', o.name, [...found.problems, ...overlapping])
    // The regions the roles' inline policies reached before this run: the home region and those
    // an earlier provision replicated to, whose destinations a region dropped since takes out of
    // the rule. Read before any change, so a repository left in a region this run gives up (a
    // dropped replica region, or the former home region when `region` changed) is refused first.
    const surveyed: { current: (typeof found.roles)[number]; policy: RolePolicyState }[] = []
    for (const current of found.roles) {
      const hasPolicy = current.inlinePolicies.includes(ROLE_POLICY_NAME)
      surveyed.push({
        current,
        policy: await readRolePolicy(ctx, { name: current.name, hasPolicy }),
      })
    }
    const formerRegions = [
      ...new Set(
        surveyed.flatMap(({ policy }) =>
          policyRegions(policy.document, ctx.partition, ctx.accountId, o.prefix),
        ),
      ),
    ].filter((region) => region !== o.region)
    const regions = [o.region, ...o.replicationRegions]
    refuseConflicts(
      'provision',
      o.name,
      await repositoriesInDroppedRegions(ctx, regions, formerRegions),
      ' (deprovision looks for repositories only in region, replicationRegions and the replication rule: delete them first, or keep their region until they are gone)',
    )
    const repositories = repositoryPatterns(ctx.partition, regions, ctx.accountId, o.prefix)
    const roles: { name: string; arn: string; permission: Permission; policy: RolePolicyState }[] =
      []
    for (const { current, policy } of surveyed) {
      const { permission } = current
      const wanted = {
        permission,
        name: current.name,
        trust: trustPolicy(o.trustedPrincipals),
        permissionsBoundaryArn: o.permissionsBoundaryArn,
        tags: o.tags,
      }
      const role = await ensureRole(ctx, wanted, current.role)
      roles.push({ name: current.name, arn: role.arn, permission, policy })
    }
    // Only the roles' policies tell which of the rule's destinations provisioning put there (one
    // added by hand stays), so a region this run adds is in them before it is in the rule: were
    // the rule written and the policies' write then failed, a rerun without that region would
    // keep it in the rule, and ECR would go on copying images there. When the policies drop no
    // region they are written first, as they are; else those that lack an added region name the
    // former regions too until the rule is written, and are narrowed after it.
    const narrows = formerRegions.some((region) => !regions.includes(region))
    const widened = narrows ? wideningPolicies(ctx, o, roles, formerRegions) : undefined
    for (const role of roles) {
      const policy = widened ? widened.get(role.name) : rolePolicy(role.permission, repositories)
      if (policy === undefined) continue
      await ensureRolePolicy(ctx, role, policy, role.policy)
      role.policy = { found: true, document: policy }
    }
    // The rule goes before narrowed policies: were the policies narrowed and the rule's write then
    // failed, no later run would know those regions, and ECR would go on copying images there.
    if (o.replicationRegions.length > 0 || formerRegions.length > 0) {
      await ensureReplicationRule(ctx, o.replicationRegions, formerRegions)
    }
    // A former home region's rule lives in that region's registry, where nothing else looks.
    await deleteFormerHomeRules(ctx, formerRegions)
    if (narrows) {
      for (const role of roles) {
        await ensureRolePolicy(ctx, role, rolePolicy(role.permission, repositories), role.policy)
      }
    }
    const arns = roles.map((role) => role.arn)
    const [pullRoleArn = '', pushRoleArn = ''] = arns
    const binding: AwsBinding = {
      platform: PLATFORM,
      region: o.region,
      repositoryPrefix: o.prefix,
      pullRoleArn,
      pushRoleArn,
      ...(o.replicationRegions.length > 0 ? { replicationRegions: [...o.replicationRegions] } : {}),
    }
    return {
      binding,
      changes: ctx.recorder.changes,
      runtimePolicy: runtimePolicy(ctx, repositories, arns, o.replicationRegions.length > 0),
    }
  })
}
