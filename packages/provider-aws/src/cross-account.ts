import {
  type CrossAccountAccess,
  type CrossAccountPermissions,
  isArtifactRegistryError,
  KeyedSerialQueue,
} from '@artifact-registry/core'
import {
  DeleteRepositoryPolicyCommand,
  type ECRClient,
  GetRepositoryPolicyCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr'
import { checkAccess } from './access.js'
import { type AwsContext, homeThenReplicas } from './context.js'
import {
  addGrants,
  emptyGrants,
  type GrantSet,
  grantsBeyond,
  grantsNothing,
  grantsOf,
  removeGrants,
  sameGrants,
  toAccess,
} from './grants.js'
import { awsErrorName, mapError, platformError } from './map-error.js'
import { isPrincipalNotFound, PrincipalNotFound, withPrincipalRetry } from './principal-retry.js'
import { ensureReplicas } from './replica-presence.js'
import {
  awsPrincipals,
  parseRepositoryPolicy,
  renderRepositoryPolicy,
} from './repository-policy.js'

/**
 * Read the grants our statements hold in the home region's repository policy and in every
 * replica's: what any region still grants is reported. A change that failed half-way (a revocation
 * applied at home but not yet in a replica) leaves the regions apart, and a grant a replica still
 * holds lets the account pull there; reading the home region alone would call it revoked. A
 * replica that does not exist holds no grant.
 */
export async function getCrossAccountAccess(
  ctx: AwsContext,
  name: string,
): Promise<CrossAccountPermissions> {
  const home = parseRepositoryPolicy(await readPolicy(ctx, ctx.options.region, name)).grants
  const replicas = await Promise.all(
    ctx.options.replicationRegions.map((r) => grantsUnlessGone(ctx, r, name)),
  )
  const grants = replicas.reduce(addGrants, home)
  // ECR does not report when a policy changed, so lastUpdated stays null rather than a guess.
  return { access: toAccess(grants), lastUpdated: null }
}

/**
 * Add or remove grants in the home region and in every replica region. Each region gets the
 * same change applied to its own policy (read, change our statements, write), so foreign
 * statements survive everywhere.
 *
 * Adding first makes sure every replica exists, creating a missing one (see
 * {@link ensureReplicas}), so that no region is granted unless all can be. Removing revokes in
 * the home region first and then in each replica, a missing one counting as revoked; a region
 * that fails does not stop the revocation in the others.
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
  const { region } = ctx.options
  if (change === 'add') {
    await ensureReplicas(ctx, name)
    await updatePolicy(ctx, region, name, apply)
    await grantInReplicas(ctx, name, apply)
    return
  }
  await revokeEverywhere(ctx, name, apply)
}

/**
 * Take back the grants of ours that a replica holds and the home repository does not: called by
 * `createRepository` for a replica that outlived an earlier repository of the name (its deletion
 * failed in that region, or the region left `replicationRegions` for a while), whose grants would
 * otherwise reach the new repository's images there, and read back from `get` as the new
 * repository's. Statements of others are kept, as in every change.
 *
 * Only what both reads agree on is taken back. A grant is added at home before in any replica, so
 * one the replica shows is at home by the time the home policy is read after it, unless it was
 * revoked meanwhile; what an add made between the two reads (another caller granting the new
 * repository at once) is not taken back.
 */
export async function revokeLeftoverGrants(
  ctx: AwsContext,
  region: string,
  name: string,
): Promise<void> {
  // A repository deleted meanwhile (a deletion running at once) grants nothing.
  const replica = await grantsUnlessGone(ctx, region, name)
  if (grantsNothing(replica)) return
  const home = await grantsUnlessGone(ctx, ctx.options.region, name)
  const leftover = grantsBeyond(replica, home)
  if (grantsNothing(leftover)) return
  await revokeInReplica(ctx, region, name, (current) => removeGrants(current, leftover))
}

// --- Internal ---

/**
 * Revoke in the home region, then in every replica region, whether or not the home region
 * succeeded: a home repository deleted meanwhile, or a call that failed there, must not leave the
 * grant standing in the replicas. Once every region was tried, the home region's failure is
 * thrown, else the first replica's. A replica that does not exist is not waited for and counts
 * as revoked: it holds no grant, and one that appears later (ECR's replication of a push) comes
 * without a policy. Waiting for it made the revocation of a repository that predates a replica
 * region fail with `TIMEOUT` after minutes, at every retry, when nothing was left to revoke.
 */
function revokeEverywhere(
  ctx: AwsContext,
  name: string,
  apply: (current: GrantSet) => GrantSet,
): Promise<void> {
  return homeThenReplicas(
    ctx,
    () => updatePolicy(ctx, ctx.options.region, name, apply),
    (region) => revokeInReplica(ctx, region, name, apply),
  )
}

/**
 * Grant in every replica region, once the home region holds the grant. Every region is tried
 * before the call answers, and a failure is not undone: taking the grant back where it was
 * applied could take away access the account held before this call. The error names the
 * regions that hold the grant, so the caller knows that an account it was told "failed" can pull
 * there; `getCrossAccountAccess` reports it too, and the same add, once the cause is fixed, or a
 * remove brings the regions together.
 */
async function grantInReplicas(
  ctx: AwsContext,
  name: string,
  apply: (current: GrantSet) => GrantSet,
): Promise<void> {
  const { region, replicationRegions } = ctx.options
  const outcomes = await Promise.allSettled(
    replicationRegions.map((r) => updatePolicy(ctx, r, name, apply)),
  )
  const failure = outcomes.find((o) => o.status === 'rejected')
  if (failure === undefined) return
  const granted = [
    region,
    ...replicationRegions.filter((_, i) => outcomes[i]?.status === 'fulfilled'),
  ]
  const cause: unknown = failure.reason
  if (!isArtifactRegistryError(cause)) throw cause
  // The cause's own words, without the tag platformError puts in front again.
  const reason = cause.message.replace(/^\[provider-aws\] /, '')
  throw platformError(
    cause.code,
    `${reason}; the grant now stands in ${granted.join(', ')} (add again once the cause is fixed, or remove it)`,
    { retryable: cause.retryable, issues: cause.issues, cause },
  )
}

/** Apply a revocation to a replica's policy; a replica that does not exist holds no grant. */
function revokeInReplica(
  ctx: AwsContext,
  region: string,
  name: string,
  apply: (current: GrantSet) => GrantSet,
): Promise<void> {
  return unlessNoReplica(updatePolicy(ctx, region, name, apply), undefined)
}

/** The grants of a region's repository policy; none when that repository does not exist. */
function grantsUnlessGone(ctx: AwsContext, region: string, name: string): Promise<GrantSet> {
  const grants = readPolicy(ctx, region, name).then((text) => parseRepositoryPolicy(text).grants)
  return unlessNoReplica(grants, emptyGrants())
}

/** What `work` on a replica gives, or `absent` when the replica does not exist (`NOT_FOUND`). */
async function unlessNoReplica<T>(work: Promise<T>, absent: T): Promise<T> {
  try {
    return await work
  } catch (err) {
    if (isArtifactRegistryError(err, 'NOT_FOUND')) return absent
    throw err
  }
}

// One queue for the process, not one per provider: two providers of one account change the same
// policies. Keys carry the account and the region, so other policies never wait.
const policyChanges = new KeyedSerialQueue()

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
    await deletePolicy(ecr, name)
  }
}

/**
 * `DeleteRepositoryPolicy`, done when the policy is gone. ECR answers
 * `RepositoryPolicyNotFoundException` when there is none any more: an earlier attempt of this
 * call was applied but its answer was lost (the SDK then retries it), or another writer deleted
 * it. Either way the repository is left without a policy, which is what the revocation wanted;
 * reported as `NOT_FOUND`, it would read as "no such repository" and stop the revocation in the
 * replica regions.
 */
async function deletePolicy(ecr: ECRClient, name: string): Promise<void> {
  try {
    await ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: name }))
  } catch (err) {
    if (awsErrorName(err) === 'RepositoryPolicyNotFoundException') return
    throw mapError(err, { operation: 'DeleteRepositoryPolicy', resource: name })
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
