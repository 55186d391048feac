import { DeleteRepositoryCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr'
import { awsCall, type ProvisionContext } from './context.js'

/** A repository under the prefix, in one region. */
export interface PrefixRepository {
  readonly region: string
  readonly name: string
  readonly arn: string
}

/** Every repository whose name starts with `{prefix}-`, in each of `regions`. */
export async function repositoriesUnderPrefix(
  ctx: ProvisionContext,
  regions: readonly string[],
): Promise<PrefixRepository[]> {
  const found: PrefixRepository[] = []
  for (const region of regions) {
    let nextToken: string | undefined
    do {
      const page = await awsCall(ctx, 'DescribeRepositories', (o) =>
        ctx.clients.ecr(region).send(new DescribeRepositoriesCommand({ nextToken }), o),
      )
      for (const r of page.repositories ?? []) {
        if (r.repositoryName?.startsWith(`${ctx.prefix}-`) === true) {
          found.push({ region, name: r.repositoryName, arn: r.repositoryArn ?? r.repositoryName })
        }
      }
      nextToken = page.nextToken
    } while (nextToken !== undefined)
  }
  return found
}

/** Delete a repository and its images (`force`), as `deprovision({ force: true })` does. */
export async function deleteRepository(
  ctx: ProvisionContext,
  repository: PrefixRepository,
): Promise<void> {
  await ctx.recorder.apply({ action: 'delete', kind: 'ecr-repository', id: repository.arn }, () =>
    awsCall(ctx, 'DeleteRepository', (o) =>
      ctx.clients
        .ecr(repository.region)
        .send(new DeleteRepositoryCommand({ repositoryName: repository.name, force: true }), o),
    ),
  )
}
