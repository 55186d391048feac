import {
  DescribeRegistryCommand,
  PutReplicationConfigurationCommand,
  type ReplicationRule,
} from '@aws-sdk/client-ecr'
import { isOurRule, mergeReplicationRules } from '../replication.js'
import { awsCall, type ProvisionContext } from './context.js'

/** The change id of the prefix's replication rule: `ecr:{region}:{account}:replication-rule/{prefix}-`. */
export function replicationRuleId(ctx: ProvisionContext): string {
  return `ecr:${ctx.region}:${ctx.accountId}:replication-rule/${ctx.prefix}-`
}

/**
 * Merge the prefix's replication rule into the registry's rules, as the runtime does before its
 * first `createRepository`: created when no rule filters on exactly `{prefix}-`, updated when
 * that rule lacks a destination; every other rule is left as it is.
 */
export async function ensureReplicationRule(
  ctx: ProvisionContext,
  regions: readonly string[],
): Promise<void> {
  const rules = await registryRules(ctx)
  const filter = `${ctx.prefix}-`
  const merged = mergeReplicationRules(rules, { filter, regions, accountId: ctx.accountId })
  const id = replicationRuleId(ctx)
  if (!merged.changed) {
    ctx.recorder.unchanged('ecr-replication-rule', id)
    return
  }
  const existed = rules.some((rule) => isOurRule(rule, filter))
  const change = existed
    ? ({ action: 'update', kind: 'ecr-replication-rule', id, detail: 'destinations' } as const)
    : ({ action: 'create', kind: 'ecr-replication-rule', id } as const)
  await ctx.recorder.apply(change, () => putRules(ctx, merged.rules))
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

/** Remove the prefix's rule from `rules` (the registry's), keeping every other rule. */
export async function deleteReplicationRule(
  ctx: ProvisionContext,
  rules: readonly ReplicationRule[],
): Promise<void> {
  const kept = rules.filter((rule) => !isOurRule(rule, `${ctx.prefix}-`))
  await ctx.recorder.apply(
    { action: 'delete', kind: 'ecr-replication-rule', id: replicationRuleId(ctx) },
    () => putRules(ctx, kept),
  )
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

async function registryRules(ctx: ProvisionContext): Promise<ReplicationRule[]> {
  const registry = await awsCall(ctx, 'DescribeRegistry', (o) =>
    ctx.clients.ecr(ctx.region).send(new DescribeRegistryCommand({}), o),
  )
  return registry.replicationConfiguration?.rules ?? []
}

async function putRules(ctx: ProvisionContext, rules: ReplicationRule[]): Promise<void> {
  await awsCall(ctx, 'PutReplicationConfiguration', (o) =>
    ctx.clients
      .ecr(ctx.region)
      .send(new PutReplicationConfigurationCommand({ replicationConfiguration: { rules } }), o),
  )
}
