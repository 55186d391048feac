import type { AwsBinding, ProvisionResult } from '@artifact-registry/core'
import { platformError } from '../map-error.js'
import { PLATFORM } from '../platform.js'
import { deleteRolePolicy, inlinePolicyNames, ROLE_POLICY_NAME } from './iam-role-policy.js'
import { deleteRole, ROLE_PERMISSIONS, roleArn, roleName } from './iam-roles.js'
import { type AwsDeprovisionOptions, resolveDeprovisionOptions } from './options.js'
import { deleteReplicationRule, ourReplicationRule } from './replication-rule.js'
import { deleteRepository, repositoriesUnderPrefix } from './repositories.js'
import { provisioningRun } from './run.js'

/**
 * Delete what {@link provision} created: each role's inline policy, the two roles and the
 * prefix's replication rule. Everything is read first; while repositories under the prefix remain
 * (in the home region or a destination of the rule) it refuses with `CONFLICT` listing them,
 * unless `force` (then they are deleted first, images included). A role holding an inline policy
 * provisioning did not write is never touched: `CONFLICT` naming it, `force` or not. What is
 * already gone is not reported, so a second run returns no changes.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming every invalid option; `CONFLICT` as
 *   above, before any change; a mapped AWS error otherwise.
 */
export async function deprovision(
  options: AwsDeprovisionOptions,
): Promise<ProvisionResult<AwsBinding>> {
  const o = resolveDeprovisionOptions(options)
  return provisioningRun(o, options, async (ctx) => {
    const { rules, ours } = await ourReplicationRule(ctx)
    const replicas = (ours?.destinations ?? [])
      .filter((d) => d.registryId === ctx.accountId)
      .flatMap((d) => (d.region === undefined ? [] : [d.region]))
    const repositories = await repositoriesUnderPrefix(ctx, [...new Set([o.region, ...replicas])])
    const roles = []
    for (const permission of ROLE_PERMISSIONS) {
      const name = roleName(o.name, permission)
      roles.push({ name, arn: roleArn(ctx, name), policies: await inlinePolicyNames(ctx, name) })
    }
    const remains = [
      ...(options.force === true
        ? []
        : repositories.map((r) => `repository ${r.name} (${r.region})`)),
      ...roles.flatMap((r) =>
        (r.policies ?? [])
          .filter((p) => p !== ROLE_POLICY_NAME)
          .map((p) => `inline policy ${p} of role ${r.name}, which provisioning did not write`),
      ),
    ]
    if (remains.length > 0) {
      throw platformError(
        'CONFLICT',
        `Cannot deprovision ${o.name}; these remain: ${remains.join('; ')}` +
          (options.force === true ? '' : ' (force: true deletes the repositories too)'),
      )
    }
    for (const repository of repositories) await deleteRepository(ctx, repository)
    for (const role of roles) {
      if (role.policies === undefined) continue
      if (role.policies.includes(ROLE_POLICY_NAME)) await deleteRolePolicy(ctx, role)
      await deleteRole(ctx, role.name, role.arn)
    }
    if (ours !== undefined) await deleteReplicationRule(ctx, rules)
    const binding: AwsBinding = {
      platform: PLATFORM,
      region: o.region,
      repositoryPrefix: o.prefix,
      pullRoleArn: roleArn(ctx, roleName(o.name, 'pull')),
      pushRoleArn: roleArn(ctx, roleName(o.name, 'push-pull')),
      ...(replicas.length > 0 ? { replicationRegions: replicas } : {}),
    }
    return { binding, changes: ctx.recorder.changes }
  })
}
