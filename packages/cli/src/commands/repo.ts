import {
  type ArtifactRegistry,
  ArtifactRegistryError,
  type RepositoryResponse,
} from '@artifact-registry/core'
import type { Command } from 'commander'
import { type CommandContext, withBindingOptions } from '../context.js'
import { forgetCachedCredentials } from '../credential-helper/forget-revoked.js'
import { formatTable, relativeTime } from '../format.js'
import { repositoryJson } from './repository-json.js'

/** `repo create|get|delete NAME` and `repo list [--prefix P]`. */
export function addRepoCommands(program: Command, context: CommandContext): void {
  const repo = program.command('repo').description('create, read, delete and list repositories')

  withBindingOptions(repo.command('create').argument('<name>', 'logical name, e.g. prj_abc123'))
    .description('create the repository for a logical name (an existing one is returned)')
    .action(async (name: string, _options: object, command: Command) => {
      const terminal = context.terminal(command)
      terminal.progress(`creating ${name}…`)
      const created = await context.withRegistry(command, (registry) =>
        registry.createRepository(name),
      )
      terminal.result(repositoryJson(created), () => describeRepository(created))
    })

  withBindingOptions(
    repo.command('get').argument('<name>', 'routable name, e.g. artifacts/prj_abc123'),
  )
    .description('show a repository')
    .action(async (name: string, _options: object, command: Command) => {
      const found = await context.withRegistry(command, (registry) => registry.getRepository(name))
      context.terminal(command).result(repositoryJson(found), () => describeRepository(found))
    })

  withBindingOptions(repo.command('delete').argument('<name>', 'routable name'))
    .description('delete a repository and its images (a missing one is no error)')
    .action(async (name: string, _options: object, command: Command) => {
      const terminal = context.terminal(command)
      terminal.progress(`deleting ${name}…`)
      const endpoint = await context.withRegistry(command, async (registry) => {
        await registry.deleteRepository(name)
        return registry.registryEndpoint
      })
      // Where deleting revoked them, the helper's cached credentials of the repository are refused.
      await forgetCachedCredentials(context.io, endpoint, { repository: name })
      terminal.result({ name, deleted: true }, () => `deleted ${name}`)
    })

  withBindingOptions(repo.command('list'))
    .description("list this binding's repositories")
    .option('--prefix <prefix>', 'only logical names starting with this')
    .action(async (options: { prefix?: string }, command: Command) => {
      const listed = await context.withRegistry(command, (registry) =>
        listRepositories(registry, options.prefix, context.signal),
      )
      context
        .terminal(command)
        .result({ repositories: listed.map(repositoryJson) }, () => repositoryTable(listed))
    })
}

/** The binding's repositories, or `NOT_SUPPORTED` when its provider cannot list them. */
async function listRepositories(
  registry: ArtifactRegistry,
  prefix: string | undefined,
  signal: AbortSignal,
): Promise<RepositoryResponse[]> {
  if (registry.capabilities.listRepositories !== true || registry.listRepositories === undefined) {
    throw new ArtifactRegistryError(
      'NOT_SUPPORTED',
      `The ${registry.platform} provider installed here cannot list repositories (capabilities.listRepositories is not true)`,
      { platform: registry.platform },
    )
  }
  return registry.listRepositories({ ...(prefix !== undefined && { prefix }), signal })
}

function describeRepository(repository: RepositoryResponse): string {
  return [
    `name:     ${repository.name}`,
    `uri:      ${repository.uri ?? '(not ready)'}`,
    `created:  ${repository.createdAt === null ? 'unknown' : `${repository.createdAt.toISOString()} (${relativeTime(repository.createdAt)})`}`,
  ].join('\n')
}

function repositoryTable(repositories: readonly RepositoryResponse[]): string {
  if (repositories.length === 0) return 'no repositories'
  return formatTable(
    ['NAME', 'URI', 'CREATED'],
    repositories.map((r) => [r.name, r.uri ?? '-', relativeTime(r.createdAt)]),
  )
}
