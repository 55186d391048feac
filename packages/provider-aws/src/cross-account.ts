import type { CrossAccountAccess, CrossAccountPermissions } from '@artifact-registry/core'
import {
  DeleteRepositoryPolicyCommand,
  GetRepositoryPolicyCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr'
import { checkAccess } from './access.js'
import type { AwsContext } from './context.js'
import { addGrants, type GrantSet, grantsOf, removeGrants, sameGrants, toAccess } from './grants.js'
import { awsErrorName, mapError, platformError, sdkCall } from './map-error.js'
import { waitForReplica } from './replica-wait.js'
import { parseRepositoryPolicy, renderRepositoryPolicy } from './repository-policy.js'

/** Read the grants our statements hold in the home region's repository policy. */
export async function getCrossAccountAccess(
  ctx: AwsContext,
  name: string,
): Promise<CrossAccountPermissions> {
  const policy = parseRepositoryPolicy(await readPolicy(ctx, ctx.options.region, name))
  // ECR does not report when a policy changed, so lastUpdated stays null rather than a guess.
  return { access: toAccess(policy.grants), lastUpdated: null }
}

/**
 * Add or remove grants in the home region and in every replica region. Each region gets the
 * same change applied to its own policy (read, change our statements, write), so foreign
 * statements survive everywhere.
 *
 * Adding waits for every replica first, so a missing replica fails (`TIMEOUT`) before anything
 * is granted. Removing revokes in the home region first and then waits for each replica, so a
 * missing replica never delays a revocation where it can be applied.
 */
export async function changeCrossAccountAccess(
  ctx: AwsContext,
  name: string,
  access: CrossAccountAccess,
  change: 'add' | 'remove',
): Promise<void> {
  const delta = grantsOf(checkAccess(access, ctx.options.partition, change))
  const apply = (current: GrantSet): GrantSet =>
    change === 'add' ? addGrants(current, delta) : removeGrants(current, delta)
  const { region, replicationRegions } = ctx.options
  if (change === 'add') {
    await Promise.all(replicationRegions.map((r) => waitForReplica(ctx, r, name)))
    await updatePolicy(ctx, region, name, apply)
    await Promise.all(replicationRegions.map((r) => updatePolicy(ctx, r, name, apply)))
    return
  }
  await updatePolicy(ctx, region, name, apply)
  await Promise.all(
    replicationRegions.map(async (r) => {
      await waitForReplica(ctx, r, name)
      await updatePolicy(ctx, r, name, apply)
    }),
  )
}

// --- Internal ---

/** Read-modify-write of one region's policy; writes nothing when our grants do not change. */
async function updatePolicy(
  ctx: AwsContext,
  region: string,
  name: string,
  apply: (current: GrantSet) => GrantSet,
): Promise<void> {
  const text = await readPolicy(ctx, region, name)
  const policy = parseRepositoryPolicy(text)
  const next = apply(policy.grants)
  if (sameGrants(policy.grants, next)) return
  const rendered = renderRepositoryPolicy(policy, next, ctx.options.partition)
  const ecr = ctx.clients.ecr(region)
  const context = { operation: 'SetRepositoryPolicy', resource: name }
  if (rendered !== null) {
    await sdkCall(context, () =>
      ecr.send(new SetRepositoryPolicyCommand({ repositoryName: name, policyText: rendered })),
    )
  } else if (text !== null) {
    await sdkCall({ ...context, operation: 'DeleteRepositoryPolicy' }, () =>
      ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: name })),
    )
  }
}

/**
 * The policy text, or `null` only on ECR's explicit `RepositoryPolicyNotFoundException`. Any
 * other failure is thrown: a policy we could not read is never treated as empty (and then
 * overwritten).
 */
async function readPolicy(ctx: AwsContext, region: string, name: string): Promise<string | null> {
  try {
    const out = await ctx.clients
      .ecr(region)
      .send(new GetRepositoryPolicyCommand({ repositoryName: name }))
    if (typeof out.policyText === 'string') return out.policyText
  } catch (err) {
    if (awsErrorName(err) === 'RepositoryPolicyNotFoundException') return null
    throw mapError(err, { operation: 'GetRepositoryPolicy', resource: name })
  }
  throw platformError('INTERNAL', `GetRepositoryPolicy answered without a policy for "${name}"`)
}
