import {
  DescribeRegistryCommand,
  PutReplicationConfigurationCommand,
  type ReplicationRule,
} from '@aws-sdk/client-ecr'
import { isOurRule, mergeReplicationRules } from '../replication.js'
import { awsCall, type ProvisionContext } from './context.js'

/** The change id of the prefix's replication rule: `ecr:{region}:{account}:replication-rule/{prefix}-`. */
export function replicationRuleId(ctx: ProvisionContext, region: string = ctx.region): string {
  return `ecr:${region}:${ctx.accountId}:replication-rule/${ctx.prefix}-`
}

/**
 * Converge the prefix's replication rule, as the runtime merges it before its first
 * `createRepository`: created when no rule filters on exactly `{prefix}-`, updated when that rule
 * lacks a destination; every other rule is left as it is. A destination of this account in one
 * of `formerRegions` (the regions an earlier `provision` replicated to, as the roles' inline
 * policies it wrote name them) that `regions` no longer names is removed, and the rule is
 * deleted once none is left: ECR would otherwise go on copying every new image to a region the
 * stack dropped. Destinations provisioning never wanted (another account's, one added by hand)
 * stay.
 */
export async function ensureReplicationRule(
  ctx: ProvisionContext,
  regions: readonly string[],
  formerRegions: readonly string[],
): Promise<void> {
  const rules = await registryRules(ctx)
  const filter = `${ctx.prefix}-`
  const id = replicationRuleId(ctx)
  const existed = rules.some((rule) => isOurRule(rule, filter))
  if (regions.length === 0 && !existed) return
  const merged =
    regions.length === 0
      ? { rules: [...rules], changed: false }
      : mergeReplicationRules(rules, { filter, regions, accountId: ctx.accountId })
  const dropped = formerRegions.filter((region) => !regions.includes(region))
  const pruned = withoutRegions(merged.rules, filter, ctx.accountId, dropped)
  if (!merged.changed && pruned.dropped.length === 0) {
    if (regions.length > 0) ctx.recorder.unchanged('ecr-replication-rule', id)
    return
  }
  const stopped = `; no longer replicating to ${pruned.dropped.join(', ')}`
  const stillOurs = pruned.rules.some((rule) => isOurRule(rule, filter))
  const change = !existed
    ? ({ action: 'create', kind: 'ecr-replication-rule', id } as const)
    : stillOurs
      ? ({
          action: 'update',
          kind: 'ecr-replication-rule',
          id,
          detail: `destinations${pruned.dropped.length > 0 ? stopped : ''}`,
        } as const)
      : ({
          action: 'delete',
          kind: 'ecr-replication-rule',
          id,
          detail: `replicationRegions name no region${stopped}`,
        } as const)
  await ctx.recorder.apply(change, () => putRules(ctx, pruned.rules))
}

/**
 * The prefix's replication rule, if the registry has one: what deprovisioning deletes, and whose
 * destinations hold replicas of the prefix's repositories.
 */
export async function ourReplicationRule(
  ctx: ProvisionContext,
): Promise<{ rules: ReplicationRule[]; ours: ReplicationRule | undefined }> {
  const rules = await registryRules(ctx)
  return { rules, ours: rules.find((rule) => isOurRule(rule, `${ctx.prefix}-`)) }
}

/**
 * Remove the prefix's rule from the rules of `region`'s registry (the home region's by default),
 * keeping every other rule; `detail` says why in the change reported. They are read again right
 * before the write: `PutReplicationConfiguration` replaces them all, with no version to check,
 * and a copy read at the start of a long deprovision (repositories deleted first) would drop a
 * rule another stack added meanwhile.
 */
export async function deleteReplicationRule(
  ctx: ProvisionContext,
  region: string = ctx.region,
  detail?: string,
): Promise<void> {
  await ctx.recorder.apply(
    {
      action: 'delete',
      kind: 'ecr-replication-rule',
      id: replicationRuleId(ctx, region),
      ...(detail !== undefined && { detail }),
    },
    async () => {
      const rules = await registryRules(ctx, region)
      await putRules(
        ctx,
        rules.filter((rule) => !isOurRule(rule, `${ctx.prefix}-`)),
        region,
      )
    },
  )
}

/**
 * Delete the prefix's rule from the registry of each of `formerRegions` (the regions the roles'
 * inline policies reached before this run) other than the home region. ECR keeps replication
 * rules per region, in the registry of the region they copy from, so after `region` changed the
 * former home region still holds the rule an earlier `provision` merged there: ECR would go on
 * copying every new `{prefix}-` repository of that region to the destinations, and neither a
 * later `provision` nor `deprovision` (which read only the home region's rules) would ever see
 * it again. Only the rule filtering on exactly `{prefix}-` goes; every other rule stays.
 * `detail` says why in each change reported (by default: no longer the home region).
 */
export async function deleteFormerHomeRules(
  ctx: ProvisionContext,
  formerRegions: readonly string[],
  detail: (region: string) => string = (region) => `${region} is no longer the home region`,
): Promise<void> {
  for (const region of formerRegions) {
    if (region === ctx.region) continue
    const rules = await registryRules(ctx, region)
    if (!rules.some((rule) => isOurRule(rule, `${ctx.prefix}-`))) continue
    await deleteReplicationRule(ctx, region, detail(region))
  }
}

/**
 * Report the prefix's rule kept (`unchanged`, with why): no role of the binding (`roleNames`)
 * carries this prefix's ownership mark, so it may be another binding's or the runtime's.
 */
export async function keepReplicationRule(
  ctx: ProvisionContext,
  roleNames: readonly string[],
): Promise<void> {
  await ctx.recorder.apply(
    {
      action: 'unchanged',
      kind: 'ecr-replication-rule',
      id: replicationRuleId(ctx),
      detail: `kept: no role ${roleNames.join(' or ')} marks prefix ${ctx.prefix} as provisioned`,
    },
    async () => {},
  )
}

// --- Internal ---

/**
 * `rules` with the destinations of this account in `dropped` taken out of the prefix's rule
 * (another account's stay: provisioning never adds one), and the rule left out when it has none
 * left: it would replicate nowhere, and only take one of the registry's ten rules.
 */
function withoutRegions(
  rules: readonly ReplicationRule[],
  filter: string,
  accountId: string,
  dropped: readonly string[],
): { rules: ReplicationRule[]; dropped: string[] } {
  const removed: string[] = []
  const kept: ReplicationRule[] = []
  for (const rule of rules) {
    if (!isOurRule(rule, filter)) {
      kept.push(rule)
      continue
    }
    const destinations = (rule.destinations ?? []).filter((d) => {
      const former = d.registryId === accountId && dropped.includes(d.region ?? '')
      if (former) removed.push(d.region ?? '?')
      return !former
    })
    if (destinations.length > 0) kept.push({ ...rule, destinations })
  }
  return { rules: kept, dropped: removed }
}

async function registryRules(
  ctx: ProvisionContext,
  region: string = ctx.region,
): Promise<ReplicationRule[]> {
  const registry = await awsCall(ctx, 'DescribeRegistry', (o) =>
    ctx.clients.ecr(region).send(new DescribeRegistryCommand({}), o),
  )
  return registry.replicationConfiguration?.rules ?? []
}

async function putRules(
  ctx: ProvisionContext,
  rules: ReplicationRule[],
  region: string = ctx.region,
): Promise<void> {
  await awsCall(ctx, 'PutReplicationConfiguration', (o) =>
    ctx.clients
      .ecr(region)
      .send(new PutReplicationConfigurationCommand({ replicationConfiguration: { rules } }), o),
  )
}
