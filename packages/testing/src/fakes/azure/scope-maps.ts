import type { FakeRequest, FakeResponse } from '../fake-server.js'
import type { ChildResourceType } from './child-resources.js'
import { REPOSITORY_NAME_SOURCE } from './repository-name.js'
import { armError, parseJson } from './responses.js'
import type { FakeScopeMap } from './state.js'

/** The repository actions a scope map may hold (`_registry` actions are not modelled). */
const ACTION = new RegExp(
  `^repositories\\/${REPOSITORY_NAME_SOURCE}\\/(?:content\\/(?:read|write|delete)|metadata\\/(?:read|write))$`,
)

/** The ARM body of a scope map (model flattened in the SDK, `properties.*` on the wire). */
export function scopeMapBody(map: FakeScopeMap): unknown {
  return {
    id: map.id,
    name: map.name,
    type: 'Microsoft.ContainerRegistry/registries/scopeMaps',
    properties: {
      description: map.description,
      type: 'UserDefined',
      creationDate: map.creationDate.toISOString(),
      provisioningState: map.provisioningState,
      actions: [...map.actions],
    },
  }
}

/**
 * Scope maps as {@link childResourceRoute} serves them: `scopeMaps.list`, `.get`, `.create` (a
 * long-running PUT; a new one counts against the SKU's scope-map quota), `.update` (a
 * long-running PATCH of one that exists: the actions and description it sends replace those held,
 * what it leaves out stays) and `.delete` (long-running).
 */
export const SCOPE_MAPS: ChildResourceType<FakeScopeMap> = {
  type: 'scopeMaps',
  label: 'scope map',
  body: scopeMapBody,
  fromPut: (request, target, existing) => {
    const input = parseScopeMap(request)
    if (!('actions' in input)) return input
    const created: FakeScopeMap = {
      id: `${target.registry.id}/scopeMaps/${target.name}`,
      name: target.name,
      registryKey: target.registryKey,
      description: undefined,
      actions: [],
      creationDate: new Date(),
      provisioningState: 'Creating',
    }
    return Object.assign(existing ?? created, input)
  },
  patch: {
    operation: 'scopeMaps.update',
    apply: (request, existing) => {
      const body = parseJson(request.body) as { properties?: Record<string, unknown> } | undefined
      const { actions, description } = body?.properties ?? {}
      const parsed = actions === undefined ? undefined : parseActions(actions)
      if (parsed !== undefined && !('actions' in parsed)) return parsed
      if (parsed !== undefined) existing.actions = parsed.actions
      if (typeof description === 'string') existing.description = description
      return existing
    },
  },
}

// --- Internal ---

/** The validated actions and description of a PUT, or the 400 answer. */
function parseScopeMap(
  request: FakeRequest,
): { actions: string[]; description: string | undefined } | FakeResponse {
  const body = parseJson(request.body) as { properties?: Record<string, unknown> } | undefined
  const { actions, description } = body?.properties ?? {}
  const parsed = parseActions(actions)
  if (!('actions' in parsed)) return parsed
  return { ...parsed, description: typeof description === 'string' ? description : undefined }
}

/** The validated `properties.actions` of a PUT or PATCH, or the 400 answer. */
function parseActions(actions: unknown): { actions: string[] } | FakeResponse {
  const valid = (a: unknown): a is string => typeof a === 'string' && ACTION.test(a)
  if (!Array.isArray(actions) || actions.length === 0 || !actions.every(valid)) {
    return armError(
      400,
      'InvalidScopeMapActions',
      'properties.actions must list repository actions',
    )
  }
  return { actions: [...new Set(actions as string[])] }
}
