import { AzureProvider } from '../azure-provider.js'
import { platformError } from '../map-error.js'
import type { ProvisionContext } from './context.js'
import { listRepositories } from './registry-catalog.js'

/** The `kind` of a repository in deprovisioning changes. */
export const REPOSITORY = 'repository'

/**
 * Make sure `deprovision` may delete the registry, the custom role and the role assignments:
 * only when no repository remains that is not this binding's.
 *
 * Without a `repositoryPrefix` the binding owns the whole registry: while its catalog lists
 * repositories, `CONFLICT` naming them unless `force` (the registry's deletion takes them).
 *
 * With a `repositoryPrefix` the registry may be shared by the bindings of other prefixes (and
 * their runtime principals' role assignments, at registry scope, with it): repositories under
 * `{prefix}/` are `CONFLICT` unless `force`, which deletes them (their content, and the scope map
 * and tokens the runtime made for each, through the runtime provider's own `deleteRepository`);
 * any repository outside the prefix is `CONFLICT` naming it, even with `force`, so nothing of
 * the registry's is deleted from under another binding.
 *
 * @throws ArtifactRegistryError `CONFLICT` naming the repositories in the way.
 */
export async function releaseRegistry(
  ctx: ProvisionContext,
  loginServer: string,
  force: boolean,
): Promise<void> {
  const { registryName, repositoryPrefix: prefix } = ctx.resolved.runtime
  // The whole registry is the binding's: its deletion takes every repository, nothing to list.
  if (prefix === undefined && force) return
  const names = await listRepositories(ctx, loginServer)
  const ours = names.filter((name) => prefix === undefined || name.startsWith(`${prefix}/`))
  const others = names.filter((name) => !ours.includes(name))
  if (!force && ours.length > 0) {
    const where = prefix === undefined ? '' : ` under "${prefix}/"`
    throw platformError(
      'CONFLICT',
      `Registry "${registryName}" still holds repositories${where}: ${ours.join(', ')}. Delete them, or deprovision with force: true to delete them with the registry`,
    )
  }
  if (prefix !== undefined) await deletePrefixRepositories(ctx, loginServer, ours)
  if (others.length === 0) return
  throw platformError(
    'CONFLICT',
    `Registry "${registryName}" also holds repositories outside the prefix "${prefix}/": ${others.join(', ')}. The registry is shared, so it, its custom role and the role assignments stay (even with force: true) until those are gone: deprovision their bindings, or delete them`,
  )
}

// --- Internal ---

/**
 * Delete every repository of the prefix through the runtime provider, as the provisioning
 * identity: those of the catalog (with content) and those the runtime recorded as scope maps
 * (even empty ones). Each is one `delete` change.
 */
async function deletePrefixRepositories(
  ctx: ProvisionContext,
  loginServer: string,
  inCatalog: readonly string[],
): Promise<void> {
  // ARM's login server: a sovereign cloud's or a DNS name label's host is not derived from the name.
  const runtime = new AzureProvider({ ...ctx.resolved.options, loginServer })
  ctx.recorder.checkpoint()
  const recorded = (await runtime.listRepositories()).map((r) => r.name)
  const names = [...new Set([...inCatalog, ...recorded])].sort()
  for (const name of names) {
    const change = { action: 'delete' as const, kind: REPOSITORY, id: `${loginServer}/${name}` }
    await ctx.recorder.apply(change, () => runtime.deleteRepository(name))
  }
}
