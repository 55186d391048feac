import type { AwsBinding, ProvisionResult } from '@artifact-registry/core'
import { PLATFORM } from '../platform.js'
import { ensureRolePolicy } from './iam-role-policy.js'
import { ensureRole, ROLE_PERMISSIONS, roleName } from './iam-roles.js'
import { type AwsProvisionOptions, resolveProvisionOptions } from './options.js'
import {
  type IamPolicyDocument,
  repositoryPatterns,
  rolePolicy,
  trustPolicy,
} from './policy-documents.js'
import { ensureReplicationRule } from './replication-rule.js'
import { provisioningRun } from './run.js'
import { runtimePolicy } from './runtime-policy.js'

/** What {@link provision} returns: the binding, the changes, and the runtime identity's policy. */
export interface AwsProvisionResult extends ProvisionResult<AwsBinding> {
  /**
   * The least IAM policy the runtime identity (the trusted principal) needs for this binding:
   * its repository actions under the prefix, `sts:AssumeRole` on both roles, and with replicas
   * `ecr:DescribeRegistry`. Attach it to that identity; provisioning does not.
   */
  runtimePolicy: IamPolicyDocument
}

/**
 * Create, or converge, the IAM roles `{name}-pull` and `{name}-push` (trusting exactly
 * `trustedPrincipals`, 12-hour sessions, one inline policy each with the runtime's actions on
 * `repository/{prefix}-*`) and, with `replicationRegions`, the prefix's replication rule. Reads
 * first and changes only what differs; `dryRun` only reads.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming every invalid option (before any call);
 *   `INVALID_ARGUMENT` when IAM does not know a trusted principal; a mapped AWS error otherwise.
 *   A cancelled `signal` rejects with its reason.
 */
export async function provision(options: AwsProvisionOptions): Promise<AwsProvisionResult> {
  const o = resolveProvisionOptions(options)
  return provisioningRun(o, options, async (ctx) => {
    const regions = [o.region, ...o.replicationRegions]
    const repositories = repositoryPatterns(ctx.partition, regions, ctx.accountId, o.prefix)
    const arns: string[] = []
    for (const permission of ROLE_PERMISSIONS) {
      const name = roleName(o.name, permission)
      const role = await ensureRole(ctx, {
        permission,
        name,
        trust: trustPolicy(o.trustedPrincipals),
        permissionsBoundaryArn: o.permissionsBoundaryArn,
        tags: o.tags,
      })
      await ensureRolePolicy(ctx, { name, ...role }, rolePolicy(permission, repositories))
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
      runtimePolicy: runtimePolicy(repositories, arns, o.replicationRegions.length > 0),
    }
  })
}
