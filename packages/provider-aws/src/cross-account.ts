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
import { PolicyQueue } from './policy-queue.js'
import { isPrincipalNotFound, PrincipalNotFound, withPrincipalRetry } from './principal-retry.js'
import { waitForReplica } from './replica-wait.js'
import {
  awsPrincipals,
  parseRepositoryPolicy,
  renderRepositoryPolicy,
} from './repository-policy.js'

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
 *
 * A policy ECR refuses with "Principal not found" (a role that does not exist, or was created so
 * recently that IAM has not shown it to ECR yet) is read, changed and written again after each
 * delay of `principalRetry.delaysMs`, then fails `INVALID_ARGUMENT` naming the principal.
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

// One queue for the process, not one per provider: two providers of one account change the same
// policies. Keys carry the account and the region, so other policies never wait.
const policyChanges = new PolicyQueue()

/**
 * Read-modify-write of one region's policy, retried while a new principal is not found. Each
 * attempt runs alone among this process's changes of that policy.
 */
function updatePolicy(
  ctx: AwsContext,
  region: string,
  name: string,
  apply: (current: GrantSet) => GrantSet,
): Promise<void> {
  const key = JSON.stringify([ctx.accountId, region, name])
  return withPrincipalRetry(ctx.options.principalRetryDelaysMs, name, () =>
    policyChanges.run(key, () => updatePolicyOnce(ctx, region, name, apply)),
  )
}

/** Read-modify-write of one region's policy; writes nothing when our grants do not change. */
async function updatePolicyOnce(
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
    try {
      await ecr.send(new SetRepositoryPolicyCommand({ repositoryName: name, policyText: rendered }))
    } catch (err) {
      if (!isPrincipalNotFound(err)) throw mapError(err, context)
      throw new PrincipalNotFound(addedPrincipals(text, rendered), err)
    }
  } else if (text !== null) {
    await sdkCall({ ...context, operation: 'DeleteRepositoryPolicy' }, () =>
      ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: name })),
    )
  }
}

/**
 * The `AWS` principals the refused policy has that the previous one did not. A refusal of a change
 * that adds none (a removal) can only be about one already there, so then every one is named.
 */
function addedPrincipals(previousText: string | null, refusedText: string): string[] {
  const all = awsPrincipals(refusedText)
  const before = new Set(previousText === null ? [] : awsPrincipals(previousText))
  const added = all.filter((p) => !before.has(p))
  return added.length > 0 ? added : all
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
