import type { Registry } from '@azure/arm-containerregistry'
import { platformError } from '../map-error.js'
import { ScopeMaps } from '../scope-map.js'
import type { ProvisionContext } from './context.js'
import { listRepositories } from './registry-catalog.js'

/**
 * Decide, before `deprovision` changes anything, whether it may delete the registry (and with it
 * every repository), the custom role and the role assignments. The registry serves one binding
 * (see `ownership`), so it goes whole or not at all: never half-done.
 *
 * Every repository is read first: the catalog's (every page) and those that exist only as scope
 * maps (an empty repository the runtime created, the scope maps its tokens use). Any outside
 * `{repositoryPrefix}/` is `CONFLICT` naming them, even with `force`: they are not this
 * binding's to delete. Those of the binding are `CONFLICT` unless `force`. Without a prefix and
 * with `force`, the binding owns whatever the registry holds: nothing needs reading.
 *
 * @throws ArtifactRegistryError `CONFLICT` naming the repositories in the way.
 */
export async function assertReleasable(
  ctx: ProvisionContext,
  registry: Registry,
  force: boolean,
): Promise<void> {
  const { registryName, repositoryPrefix: prefix } = ctx.resolved.runtime
  if (prefix === undefined && force) return
  // ARM names the login server once the registry is ready; without it, the host the name gives
  // (a registry that cannot be read is refused by the read's failure, not skipped).
  const loginServer = registry.loginServer ?? ctx.resolved.runtime.loginServer
  const inCatalog = await listRepositories(ctx, loginServer)
  const names = [...new Set([...inCatalog, ...(await scopeMapRepositories(ctx))])].sort()
  const outside = names.filter((name) => prefix !== undefined && !name.startsWith(`${prefix}/`))
  if (outside.length > 0) {
    throw platformError(
      'CONFLICT',
      `Registry "${registryName}" holds repositories outside the prefix "${prefix}/": ${outside.join(', ')}. They are not this binding's, so deprovision deletes nothing, even with force: true; delete them (content and scope maps) first`,
    )
  }
  if (force || names.length === 0) return
  const where = prefix === undefined ? '' : ` under "${prefix}/"`
  throw platformError(
    'CONFLICT',
    `Registry "${registryName}" still holds repositories${where}: ${names.join(', ')}. Delete them, or deprovision with force: true to delete them with the registry`,
  )
}

// --- Internal ---

/** A scope-map action on one repository: `repositories/{name}/content/read` and the like. */
const REPOSITORY_ACTION = /^repositories\/(.+)\/[^/]+\/[^/]+$/

/**
 * The repositories the registry's scope maps name (every page, through ARM): what the runtime
 * records as a repository, even one nothing was pushed to. Wildcards (ACR's own scope maps,
 * `repositories/*`) name no repository.
 */
async function scopeMapRepositories(ctx: ProvisionContext): Promise<string[]> {
  const { resourceGroup, registryName, pollIntervalMs } = ctx.resolved.runtime
  const scopeMaps = new ScopeMaps({
    client: () => ctx.registries,
    resourceGroup,
    registryName,
    pollIntervalMs,
    call: (_kind, context, op) => ctx.call(context, op),
  })
  const names = (await scopeMaps.list(ctx.recorder.signal)).flatMap((map) =>
    (map.actions ?? []).map((action) => REPOSITORY_ACTION.exec(action)?.[1]),
  )
  return names.filter((name): name is string => name !== undefined && !name.includes('*'))
}
