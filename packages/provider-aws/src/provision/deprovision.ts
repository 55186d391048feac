import type { AwsBinding, ProvisionResult } from '@artifact-registry/core'
import { PLATFORM } from '../platform.js'
import { deleteRolePolicy, ROLE_POLICY_NAME } from './iam-role-policy.js'
import { deleteRole } from './iam-roles.js'
import { instanceProfileProblems } from './instance-profiles.js'
import { type AwsDeprovisionOptions, resolveOptions } from './options.js'
import { refuseConflicts, survey } from './ownership-check.js'
import { ownedByOther } from './provisioned-prefixes.js'
import { reachedRegions } from './reached-regions.js'
import {
  deleteFormerHomeRules,
  deleteReplicationRule,
  keepReplicationRule,
  ourReplicationRule,
} from './replication-rule.js'
import { deleteRepository, repositoriesUnderPrefix } from './repositories.js'
import { ownerPrefixOf } from './role-survey.js'
import { provisioningRun } from './run.js'

/** What {@link deprovision} returns: the binding it undid, the changes, and what it left. */
export interface AwsDeprovisionResult extends ProvisionResult<AwsBinding> {
  /**
   * Repositories under the prefix that another provisioned binding's prefix also covers (the
   * same prefix, or a longer one such as `acme-dev` for `acme`), as `{ARN} (prefix {theirs})`:
   * never deleted nor counted as remaining, `force` or not.
   */
  skipped: string[]
}

/**
 * Delete what {@link provision} created: each role's inline policy, the two roles and the
 * prefix's replication rule. Everything is read first: the roles (with their inline and attached
 * policies), the account's other provisioned bindings, and the repositories under the prefix in
 * the home region, each `replicationRegions`, each destination of the prefix's rule and each
 * region the inline policies of roles marked for this prefix reach (the prefix's rule in such a
 * region other than the home region's is deleted too, on the same word as below). While
 * such repositories remain it refuses with `CONFLICT` listing them, unless `force` and at least
 * one of the binding's roles carries provisioning's ownership mark for this prefix (then they
 * are deleted first, images included; without such a role, as after a mistyped `name`, `force`
 * refuses too). Repositories of another provisioned binding are never touched (`skipped`). A
 * role without provisioning's ownership mark for this prefix, holding a policy provisioning did
 * not put there, or held by an instance profile (IAM does not delete such a role) is never
 * touched either: `CONFLICT` naming it, `force` or not, before any change. The replication rule
 * is deleted only on the word of such a marked role too (else kept, `unchanged`). What is already
 * gone is not reported, so a second run returns no changes.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming every invalid option; `CONFLICT` as
 *   above, before any change; a mapped AWS error otherwise.
 */
export async function deprovision(options: AwsDeprovisionOptions): Promise<AwsDeprovisionResult> {
  const o = resolveOptions(options, 'deprovision')
  return provisioningRun(o, options, async (ctx) => {
    const { ours } = await ourReplicationRule(ctx)
    const replicas = [
      ...new Set([
        ...o.replicationRegions,
        ...(ours?.destinations ?? [])
          .filter((d) => d.registryId === ctx.accountId)
          .flatMap((d) => (d.region === undefined ? [] : [d.region])),
      ]),
    ].filter((region) => region !== o.region)
    const found = await survey(ctx, o.name)
    // Also the regions the roles' inline policies reach, which neither the options nor a rule
    // edited by hand need name: deleting the roles would leave their repositories unfound.
    const reachedElsewhere = (await reachedRegions(ctx, found.roles)).filter(
      (region) => region !== o.region,
    )
    const reached = reachedElsewhere.filter((region) => !replicas.includes(region))
    const skipped: string[] = []
    const searched = [o.region, ...replicas, ...reached]
    const repositories = (await repositoriesUnderPrefix(ctx, searched)).filter((repository) => {
      const other = ownedByOther(repository.name, o.prefix, found.others)
      if (other !== undefined) skipped.push(`${repository.arn} (prefix ${other.prefix})`)
      return other === undefined
    })
    // force deletes repositories only on the word of a role that provisioning created for this
    // prefix: a mistyped name must not wipe the repositories of a prefix someone else uses.
    const owned = found.roles.some(
      (r) => r.role !== undefined && ownerPrefixOf(r.role) === o.prefix,
    )
    const mayDelete = options.force === true && owned
    const remains = mayDelete ? [] : repositories.map((r) => `repository ${r.name} (${r.region})`)
    refuseConflicts(
      'deprovision',
      o.name,
      [...found.problems, ...(await instanceProfileProblems(ctx, found.roles)), ...remains],
      remains.length === 0
        ? ''
        : owned
          ? ' (force: true deletes the repositories too)'
          : ` (no role ${found.roles.map((r) => r.name).join(' or ')} marks prefix ${o.prefix} as provisioned, so force does not delete them either)`,
    )
    for (const repository of repositories) await deleteRepository(ctx, repository)
    // The rule `{prefix}-` is only ours on the word of a role provisioning created for this
    // prefix, as for force: a mistyped name with another binding's prefix (or a prefix whose rule
    // the runtime merged) must not stop replication there. It goes before the roles, so a run
    // that fails midway leaves a marked role behind and a rerun still removes the rule.
    if (ours !== undefined) {
      if (owned) await deleteReplicationRule(ctx)
      else
        await keepReplicationRule(
          ctx,
          found.roles.map((r) => r.name),
        )
    }
    // A region the roles reach that was the home region before `region` changed (or is the
    // home region when `region` is given wrong) holds the prefix's rule in its own registry. The
    // options may name it a replica region: after a swap of home and replica region that failed
    // midway, either set of options names the other registry holding a rule so.
    if (owned) {
      await deleteFormerHomeRules(
        ctx,
        reachedElsewhere,
        (region) => `${region}, which the roles' policies name, is not the home region`,
      )
    }
    for (const role of found.roles) {
      if (role.role === undefined) continue
      if (role.inlinePolicies.includes(ROLE_POLICY_NAME)) await deleteRolePolicy(ctx, role)
      await deleteRole(ctx, role.name, role.arn)
    }
    const binding: AwsBinding = {
      platform: PLATFORM,
      region: o.region,
      repositoryPrefix: o.prefix,
      pullRoleArn: found.roles[0]?.arn ?? '',
      pushRoleArn: found.roles[1]?.arn ?? '',
      ...(replicas.length > 0 ? { replicationRegions: replicas } : {}),
    }
    return { binding, changes: ctx.recorder.changes, skipped }
  })
}
