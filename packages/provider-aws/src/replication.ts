import { KeyedSerialQueue } from '@artifact-registry/core'
import {
  DescribeRegistryCommand,
  PutReplicationConfigurationCommand,
  type ReplicationRule,
} from '@aws-sdk/client-ecr'
import type { AwsContext } from './context.js'
import { sdkCall } from './map-error.js'

/** The rule this provider wants: replicate `{prefix}-*` to the given regions of the account. */
export interface WantedReplication {
  /** The `PREFIX_MATCH` filter, `{prefix}-` so that `acme-x` matches and `acmeother` does not. */
  readonly filter: string
  readonly regions: readonly string[]
  readonly accountId: string
}

/**
 * Merge our rule into the registry's replication rules. A rule whose only filter is ours gets the
 * missing destinations added (destinations someone else added stay); otherwise our rule is
 * appended. Every other rule is returned untouched, in order.
 */
export function mergeReplicationRules(
  rules: readonly ReplicationRule[],
  wanted: WantedReplication,
): { rules: ReplicationRule[]; changed: boolean } {
  const ours = rules.findIndex((rule) => isOurRule(rule, wanted.filter))
  const destinations = wanted.regions.map((region) => ({ region, registryId: wanted.accountId }))
  if (ours === -1) {
    const rule: ReplicationRule = {
      destinations,
      repositoryFilters: [{ filter: wanted.filter, filterType: 'PREFIX_MATCH' }],
    }
    return { rules: [...rules, rule], changed: true }
  }
  const existing = rules[ours]?.destinations ?? []
  const missing = destinations.filter(
    (d) => !existing.some((e) => e.region === d.region && e.registryId === d.registryId),
  )
  if (missing.length === 0) return { rules: [...rules], changed: false }
  const merged = rules.map((rule, i) =>
    i === ours ? { ...rule, destinations: [...existing, ...missing] } : rule,
  )
  return { rules: merged, changed: true }
}

// One queue for the process: `PutReplicationConfiguration` replaces every rule of the registry and
// has no version check, so two providers (two prefixes) merging their rules at once would each
// write back what they read, and the later write would drop the other's rule.
const replicationChanges = new KeyedSerialQueue()

/**
 * Make sure the registry replicates this prefix to every replica region: read the registry's
 * rules, merge ours in and write them back only when something is missing. Merges of one
 * registry in this process run one at a time; writers in other processes are not covered.
 */
export function ensureReplication(ctx: AwsContext): Promise<void> {
  const { region, replicationRegions } = ctx.options
  if (replicationRegions.length === 0) return Promise.resolve()
  const key = JSON.stringify([ctx.accountId, region, 'replication'])
  return replicationChanges.run(key, () => mergeRule(ctx))
}

/** Whether a rule is the one this provider merges: its only filter is `filter`, `PREFIX_MATCH`. */
export function isOurRule(rule: ReplicationRule, filter: string): boolean {
  const filters = rule.repositoryFilters ?? []
  return (
    filters.length === 1 &&
    filters[0]?.filter === filter &&
    filters[0]?.filterType === 'PREFIX_MATCH'
  )
}

// --- Internal ---

async function mergeRule(ctx: AwsContext): Promise<void> {
  const { region, replicationRegions, prefix } = ctx.options
  const ecr = ctx.clients.ecr(region)
  const registry = await sdkCall({ operation: 'DescribeRegistry' }, () =>
    ecr.send(new DescribeRegistryCommand({})),
  )
  const { rules, changed } = mergeReplicationRules(registry.replicationConfiguration?.rules ?? [], {
    filter: `${prefix}-`,
    regions: replicationRegions,
    accountId: ctx.accountId,
  })
  if (!changed) return
  await sdkCall({ operation: 'PutReplicationConfiguration' }, () =>
    ecr.send(new PutReplicationConfigurationCommand({ replicationConfiguration: { rules } })),
  )
}
