import type { AwsBinding, ProvisionResult } from '@artifact-registry/core'
import { PLATFORM } from '../platform.js'
import { ensureRolePolicy, ROLE_POLICY_NAME } from './iam-role-policy.js'
import { ensureRole } from './iam-roles.js'
import { type AwsProvisionOptions, resolveOptions } from './options.js'
import { refuseConflicts, survey } from './ownership-check.js'
import {
  type IamPolicyDocument,
  repositoryPatterns,
  rolePolicy,
  trustPolicy,
} from './policy-documents.js'
import { prefixesOverlap } from './provisioned-prefixes.js'
import { ensureReplicationRule } from './replication-rule.js'
import { provisioningRun } from './run.js'
import { runtimePolicy } from './runtime-policy.js'

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
 * replication rule. Reads first and changes only what differs; `dryRun` only reads.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming every invalid option (before any call);
 *   `CONFLICT`, before any change, naming a role provisioning did not create for this prefix, a
 *   policy in a role it did not put there, or another binding whose prefix overlaps this one
 *   (the same, or one is the other followed by `-`); `INVALID_ARGUMENT` when IAM does not know a
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
    const regions = [o.region, ...o.replicationRegions]
    const repositories = repositoryPatterns(ctx.partition, regions, ctx.accountId, o.prefix)
    const arns: string[] = []
    for (const current of found.roles) {
      const { permission } = current
      const wanted = {
        permission,
        name: current.name,
        trust: trustPolicy(o.trustedPrincipals),
        permissionsBoundaryArn: o.permissionsBoundaryArn,
        tags: o.tags,
      }
      const role = await ensureRole(ctx, wanted, current.role)
      const hasPolicy = current.inlinePolicies.includes(ROLE_POLICY_NAME)
      await ensureRolePolicy(
        ctx,
        { name: current.name, arn: role.arn, hasPolicy },
        rolePolicy(permission, repositories),
      )
      arns.push(role.arn)
    }
    if (o.replicationRegions.length > 0) await ensureReplicationRule(ctx, o.replicationRegions)
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
