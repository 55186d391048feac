import { setTimeout as sleep } from 'node:timers/promises'
import { isArtifactRegistryError } from '@artifact-registry/core'
import type { AwsContext } from './context.js'
import { platformError } from './map-error.js'
import { describeRepository } from './repository.js'

/**
 * Wait until a replica repository exists in `region`, checking with `DescribeRepositories` every
 * `replicaWait.intervalMs`. Replication is asynchronous, and ECR does not copy repository
 * policies, so a policy change must wait for the replica before it can be applied there.
 *
 * @throws ArtifactRegistryError `TIMEOUT` after `replicaWait.timeoutMs`; any other failure of
 *   the check as mapped.
 */
export async function waitForReplica(ctx: AwsContext, region: string, name: string): Promise<void> {
  const { timeoutMs, intervalMs } = ctx.options.replicaWait
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await replicaExists(ctx, region, name)) return
    const left = deadline - Date.now()
    if (left <= 0) {
      throw platformError(
        'TIMEOUT',
        `The replica of repository "${name}" in ${region} did not appear within ${timeoutMs} ms`,
      )
    }
    await sleep(Math.min(intervalMs, left))
  }
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
