import { isOurRule } from '../replication.js'
import type { ProvisionContext } from './context.js'
import { ourReplicationRule } from './replication-rule.js'
import { repositoriesUnderPrefix } from './repositories.js'

/**
 * @internal The repositories under the prefix in each region this run would take out of the
 * prefix's replication rule (one of `formerRegions` that `wanted` no longer names and the rule
 * still replicates to), as problems for `refuseConflicts`. `deprovision` finds replicas only in
 * `replicationRegions` and the rule's destinations: once a region left both, its replicas (and
 * their images) would outlive `deprovision`, which would not even count them as remaining.
 */
export async function replicasInDroppedRegions(
  ctx: ProvisionContext,
  wanted: readonly string[],
  formerRegions: readonly string[],
): Promise<string[]> {
  const dropped = formerRegions.filter((region) => !wanted.includes(region))
  if (dropped.length === 0) return []
  const { rules } = await ourReplicationRule(ctx)
  const destinations = rules
    .filter((rule) => isOurRule(rule, `${ctx.prefix}-`))
    .flatMap((rule) => rule.destinations ?? [])
    .filter((d) => d.registryId === ctx.accountId)
  const leaving = dropped.filter((region) => destinations.some((d) => d.region === region))
  const remaining = await repositoriesUnderPrefix(ctx, leaving)
  return remaining.map(
    (r) => `repository ${r.name} (${r.region}, a region dropped from replicationRegions)`,
  )
}
