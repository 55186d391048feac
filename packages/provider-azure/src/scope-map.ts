import { type Permission, toPlatformName } from '@artifact-registry/core'
import type { ContainerRegistryManagementClient, ScopeMap } from '@azure/arm-containerregistry'
import { RegistryChildResources } from './arm-resources.js'
import { PLATFORM } from './platform.js'
import type { Caller } from './retry.js'

/** Description of the scope maps this provider creates, so people can tell them apart. */
export const SCOPE_MAP_DESCRIPTION = 'Managed by @artifact-registry/provider-azure'

/**
 * The scope-map name of a repository: the routable name itself when it meets ACR's scope-map
 * rules (5-50 letters, digits and hyphens, starting with a letter), otherwise an adapted name
 * with a stable hash suffix (core naming), so distinct repositories never share a scope map.
 */
export function scopeMapName(repository: string): string {
  return toPlatformName('acr-scope-map', repository, { platform: PLATFORM })
}

/**
 * What each permission needs of a repository's scope map. A pull reads content
 * (`content/read`) and lists tags (`metadata/read`); a push-pull also writes content
 * (`content/write`), deletes manifests (`content/delete`) and may change the attributes of tags
 * and manifests (`metadata/write`, ACR's lock against writes or deletes, which neither this
 * provider nor skopeo uses: it is granted so push-pull holders can manage what they push).
 */
export const SCOPE_MAP_ACTIONS: Readonly<Record<Permission, readonly string[]>> = {
  pull: ['content/read', 'metadata/read'],
  'push-pull': [
    'content/read',
    'metadata/read',
    'content/write',
    'metadata/write',
    'content/delete',
  ],
}

/** The actions of a repository's scope map: everything either permission needs. */
export function scopeMapActions(repository: string): string[] {
  return SCOPE_MAP_ACTIONS['push-pull'].map((action) => `repositories/${repository}/${action}`)
}

/**
 * Whether a scope map holds exactly `actions`, nothing more: a token bound to it may do what it
 * lists, so an action added by hand (another repository's, a wildcard) must not be kept.
 */
export function hasExactly(map: ScopeMap, actions: readonly string[]): boolean {
  const held = new Set(map.actions ?? [])
  return held.size === actions.length && actions.every((action) => held.has(action))
}

/** Whether a scope map holds exactly the actions of {@link scopeMapActions}, nothing more. */
export function hasRepositoryActions(map: ScopeMap, repository: string): boolean {
  return hasExactly(map, scopeMapActions(repository))
}

/** Whether a scope map is the one of `repository` (and not someone else's of the same name). */
export function isScopeMapOf(map: ScopeMap, repository: string): boolean {
  return map.actions?.includes(`repositories/${repository}/content/read`) ?? false
}

/** What {@link ScopeMaps} needs. */
export interface ScopeMapsDeps {
  /** The ARM client, created on first use. */
  readonly client: () => ContainerRegistryManagementClient
  readonly resourceGroup: string
  readonly registryName: string
  /** Poll interval of long-running operations; `undefined` = the SDK's (2 s). */
  readonly pollIntervalMs: number | undefined
  readonly call: Caller
}

/**
 * Scope maps of one registry through ARM. Create and delete are long-running operations; both
 * LRO styles (`Azure-AsyncOperation` and `Location`) are handled by the SDK's poller.
 */
export class ScopeMaps extends RegistryChildResources<ScopeMap> {
  constructor(deps: ScopeMapsDeps) {
    super(deps, 'scope map', (client) => client.scopeMaps)
  }

  /** The scope map of `repository`, or `undefined` when ARM says it does not exist. */
  get(repository: string): Promise<ScopeMap | undefined> {
    return this.getNamed(scopeMapName(repository))
  }

  /** Create (or update) the scope map of `repository` and wait for it. */
  create(repository: string): Promise<ScopeMap> {
    return this.createNamed(scopeMapName(repository), scopeMapActions(repository))
  }

  /** Create (or update) the scope map called `name` with `actions`, and wait for it. */
  createNamed(name: string, actions: string[]): Promise<ScopeMap> {
    const { client, resourceGroup, registryName, pollIntervalMs, call } = this.deps
    const body: ScopeMap = { description: SCOPE_MAP_DESCRIPTION, actions }
    return call('write', { operation: 'create scope map', resource: name }, async () =>
      client().scopeMaps.create(resourceGroup, registryName, name, body, {
        updateIntervalInMs: pollIntervalMs,
      }),
    )
  }

  /**
   * Give the existing scope map of `repository` exactly its actions, and wait. A PATCH, which
   * never creates: where a PUT would make a scope map someone deleted meanwhile again, this
   * answers ARM's 404 (`NOT_FOUND`).
   */
  update(repository: string): Promise<ScopeMap> {
    const { client, resourceGroup, registryName, pollIntervalMs, call } = this.deps
    const name = scopeMapName(repository)
    const body = { description: SCOPE_MAP_DESCRIPTION, actions: scopeMapActions(repository) }
    return call('write', { operation: 'update scope map', resource: name }, async () =>
      client().scopeMaps.update(resourceGroup, registryName, name, body, {
        updateIntervalInMs: pollIntervalMs,
      }),
    )
  }

  /** Delete the scope map of `repository` and wait; a missing one is not an error. */
  delete(repository: string): Promise<void> {
    return this.deleteNamed(scopeMapName(repository))
  }
}
