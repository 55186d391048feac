import { isArtifactRegistryError } from '@artifact-registry/core'
import type { AwsContext } from './context.js'
import { createReplica, describeRepository } from './repository.js'

/**
 * Make sure the repository `name` has its replica in every replica region before a grant is
 * applied there: ECR copies no repository policy, so each replica gets the grant from us, and a
 * policy cannot be set on a repository that does not exist.
 *
 * `createRepository` makes every replica, but a repository made before its region joined
 * `replicationRegions` has none there until ECR replicates a push into it. A missing replica is
 * created now, as `createRepository` would have, instead of being waited for: a repository nobody
 * pushes to would never get one, and the grant would fail after minutes at every retry. It is
 * created only once the home repository is found, so a grant on a repository that does not exist
 * fails `NOT_FOUND` and creates nothing. A replica that ECR's replication makes at the same
 * moment is taken as it is.
 *
 * Costs one `DescribeRepositories` per replica region; a missing replica adds one for the home
 * region and a `CreateRepository`.
 */
export async function ensureReplicas(ctx: AwsContext, name: string): Promise<void> {
  const { replicationRegions } = ctx.options
  const present = await Promise.all(replicationRegions.map((r) => replicaExists(ctx, r, name)))
  const missing = replicationRegions.filter((_, i) => !present[i])
  if (missing.length === 0) return
  await describeRepository(ctx, name)
  await Promise.all(missing.map((region) => createReplica(ctx, region, name)))
}

// --- Internal ---

async function replicaExists(ctx: AwsContext, region: string, name: string): Promise<boolean> {
  try {
    await describeRepository(ctx, name, region)
    return true
  } catch (err) {
    if (isArtifactRegistryError(err, 'NOT_FOUND')) return false
    throw err
  }
}
