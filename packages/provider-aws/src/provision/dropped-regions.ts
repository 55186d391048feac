import type { ProvisionContext } from './context.js'
import { repositoriesUnderPrefix } from './repositories.js'

/**
 * @internal The repositories under the prefix in each region this run takes out of the binding:
 * one of `formerRegions` (the regions the roles' inline policies reached before this run, the
 * former home region included) that `wanted` (the home region and `replicationRegions`) no longer
 * names, as problems for `refuseConflicts`. `deprovision` looks for repositories only in the home
 * region, `replicationRegions` and the destinations of the prefix's replication rule, which this
 * run also takes such a region out of: its repositories (their images, their cross-account
 * grants) would outlive `deprovision`, which would not even count them as remaining. That holds
 * whether the rule still replicated to the region or not, and for a home region given up when
 * `region` changed, which no rule of the new home region names.
 */
export async function repositoriesInDroppedRegions(
  ctx: ProvisionContext,
  wanted: readonly string[],
  formerRegions: readonly string[],
): Promise<string[]> {
  const dropped = formerRegions.filter((region) => !wanted.includes(region))
  if (dropped.length === 0) return []
  const remaining = await repositoriesUnderPrefix(ctx, dropped)
  return remaining.map(
    (r) =>
      `repository ${r.name} (${r.region}, a region no longer named by region or replicationRegions)`,
  )
}
