import { isArtifactRegistryError } from '@artifact-registry/core'
import type { AwsContext } from './context.js'
import { createReplica, deleteReplica, describeRepository } from './repository.js'

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
 * `deleteRepository` in another process may have deleted the replica and be deleting the home
 * repository meanwhile. So the home repository is read again once the replicas are created: when
 * it is gone, the replicas this call created are deleted and the add fails `NOT_FOUND`; when it
 * is still there, that deletion deletes the replicas after it (it deletes them only once the home
 * repository is gone), so none outlives it.
 *
 * Costs one `DescribeRepositories` per replica region; a missing replica adds two for the home
 * region and a `CreateRepository`.
 */
export async function ensureReplicas(ctx: AwsContext, name: string): Promise<void> {
  const { replicationRegions } = ctx.options
  const present = await Promise.all(replicationRegions.map((r) => replicaExists(ctx, r, name)))
  const missing = replicationRegions.filter((_, i) => !present[i])
  if (missing.length === 0) return
  await describeRepository(ctx, name)
  const outcomes = await Promise.allSettled(missing.map((r) => createReplica(ctx, r, name)))
  const created = missing.filter((_, i) => {
    const outcome = outcomes[i]
    return outcome?.status === 'fulfilled' && outcome.value
  })
  if (created.length > 0) await undoUnlessHomeExists(ctx, name, created)
  const failure = outcomes.find((o) => o.status === 'rejected')
  if (failure !== undefined) throw failure.reason
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

/**
 * Read the home repository again; when it is gone (`NOT_FOUND`, thrown), delete the replicas
 * this call created in `regions`. A replica this call did not create (ECR's replication, another
 * caller) is not ours to delete.
 */
async function undoUnlessHomeExists(
  ctx: AwsContext,
  name: string,
  regions: readonly string[],
): Promise<void> {
  try {
    await describeRepository(ctx, name)
  } catch (err) {
    if (isArtifactRegistryError(err, 'NOT_FOUND')) {
      await Promise.all(regions.map((r) => deleteReplica(ctx, r, name)))
    }
    throw err
  }
}
