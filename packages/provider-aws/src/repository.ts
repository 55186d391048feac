import type { RepositoryResponse } from '@artifact-registry/core'
import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  type Repository,
} from '@aws-sdk/client-ecr'
import { endpointHost } from './arn.js'
import { type AwsContext, homeThenReplicas } from './context.js'
import { awsErrorName, mapError, repositoryNotFound, sdkCall } from './map-error.js'

/**
 * Create a repository in the home region and in every replica region, or return the existing
 * one with its real URI and creation time. Replicas are created up front because ECR only
 * creates them on the first replicated push, and a policy cannot be set on a repository that
 * does not exist yet.
 *
 * A replica older than the home repository outlived an earlier repository of the name (a
 * `deleteRepository` that failed in its region, or a region dropped from `replicationRegions` and
 * added again): `leftover` is called for its region, before this call returns, to take back what
 * that repository's grants left in it. Told by the creation times, not by whether this call
 * created the home repository, so a retry after a create that failed half way still cleans up.
 */
export async function createRepository(
  ctx: AwsContext,
  name: string,
  leftover: (region: string) => Promise<void> = async () => {},
): Promise<RepositoryResponse> {
  const created = (await createIn(ctx, ctx.options.region, name))?.repository
  const home = created ?? (await describeRepository(ctx, name))
  await Promise.all(
    ctx.options.replicationRegions.map(async (region) => {
      const replica = await createOrDescribe(ctx, region, name)
      if (outlivedItsRepository(replica, home, created !== undefined)) await leftover(region)
    }),
  )
  return toResponse(ctx, home, name)
}

/**
 * Create the replica of `name` in the replica region `region`. One that exists (made by us
 * earlier, or by ECR's replication of a push) is left as it is.
 *
 * @returns whether this call created it: only then may the caller delete it again.
 */
export async function createReplica(
  ctx: AwsContext,
  region: string,
  name: string,
): Promise<boolean> {
  return (await createIn(ctx, region, name)) !== undefined
}

/** Delete the replica of `name` in `region`, with its images; a missing one counts as deleted. */
export function deleteReplica(ctx: AwsContext, region: string, name: string): Promise<void> {
  return deleteIn(ctx, region, name)
}

/** Describe a repository of the home region. @throws `NOT_FOUND` when it does not exist. */
export async function describeRepository(
  ctx: AwsContext,
  name: string,
  region: string = ctx.options.region,
): Promise<Repository> {
  const out = await sdkCall({ operation: 'DescribeRepositories', resource: name }, () =>
    ctx.clients.ecr(region).send(new DescribeRepositoriesCommand({ repositoryNames: [name] })),
  )
  const repository = out.repositories?.find((r) => r.repositoryName === name)
  if (repository === undefined) throw repositoryNotFound(name)
  return repository
}

/**
 * Delete a repository and its images in the home region and every replica region. A repository
 * that is already gone counts as deleted (the contract: deleting twice succeeds).
 *
 * The replicas go only once the home region's deletion has ended (whether or not it succeeded;
 * every region is tried, then the home region's failure is thrown, else the first replica's). An
 * add in another process creates a missing replica only while the home repository exists, and
 * checks it again after the create: a replica deleted alongside the home repository could be
 * created again after its deletion, and, granted, outlive the deletion and pass its grant to a
 * repository created later under the same name.
 */
export function deleteRepository(ctx: AwsContext, name: string): Promise<void> {
  return homeThenReplicas(
    ctx,
    () => deleteIn(ctx, ctx.options.region, name),
    (region) => deleteIn(ctx, region, name),
  )
}

/**
 * The contract's view of an ECR repository; never an epoch-0 or invalid `createdAt`. The `uri`
 * names the configured `registryEndpoint` when there is one (where credentials log in), ECR's
 * `repositoryUri` otherwise.
 */
export function toResponse(
  ctx: Pick<AwsContext, 'options'>,
  repository: Repository,
  name: string,
): RepositoryResponse {
  const createdAt = repository.createdAt
  const validDate = createdAt instanceof Date && createdAt.getTime() > 0
  const routable = repository.repositoryName ?? name
  const host = endpointHost(ctx.options.registryEndpoint)
  return {
    name: routable,
    uri: host === undefined ? repository.repositoryUri || null : `${host}/${routable}`,
    createdAt: validDate ? createdAt : null,
  }
}

// --- Internal ---

/**
 * Whether a replica predates its home repository: made for an earlier repository of the name.
 * One found by a call that created the home repository does, whatever the creation times say:
 * each region stamps its own repository by its own clock, so one made again at once can read as
 * no newer than the replica left behind. Otherwise (a retry) the creation times tell.
 */
function outlivedItsRepository(
  replica: { repository: Repository; existed: boolean },
  home: Repository,
  homeCreatedNow: boolean,
): boolean {
  if (!replica.existed) return false
  if (homeCreatedNow) return true
  const replicaCreated = replica.repository.createdAt?.getTime()
  const homeCreated = home.createdAt?.getTime()
  if (replicaCreated === undefined || homeCreated === undefined) return false
  return replicaCreated < homeCreated
}

/** Create `name` in `region`, or describe the one there (`existed`). */
async function createOrDescribe(
  ctx: AwsContext,
  region: string,
  name: string,
): Promise<{ repository: Repository; existed: boolean }> {
  const created = (await createIn(ctx, region, name))?.repository
  if (created !== undefined) return { repository: created, existed: false }
  return { repository: await describeRepository(ctx, name, region), existed: true }
}

/** Create `name` in `region`: ECR's answer, or `undefined` when the repository already existed. */
async function createIn(
  ctx: AwsContext,
  region: string,
  name: string,
): Promise<{ repository?: Repository } | undefined> {
  try {
    return await ctx.clients.ecr(region).send(new CreateRepositoryCommand({ repositoryName: name }))
  } catch (err) {
    if (awsErrorName(err) === 'RepositoryAlreadyExistsException') return undefined
    throw mapError(err, { operation: 'CreateRepository', resource: name })
  }
}

async function deleteIn(ctx: AwsContext, region: string, name: string): Promise<void> {
  try {
    await ctx.clients
      .ecr(region)
      .send(new DeleteRepositoryCommand({ repositoryName: name, force: true }))
  } catch (err) {
    if (awsErrorName(err) === 'RepositoryNotFoundException') return
    throw mapError(err, { operation: 'DeleteRepository', resource: name })
  }
}
