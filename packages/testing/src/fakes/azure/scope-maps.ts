import type { FakeRequest, FakeResponse } from '../fake-server.js'
import type { ArmContext, ArmPath } from './arm.js'
import { startDelete, startPut } from './provisioning.js'
import { overQuota } from './quotas.js'
import { findRegistry } from './registries.js'
import { armError, json, parseJson, resourceNotFound } from './responses.js'
import { type FakeRegistry, type FakeScopeMap, registryKey } from './state.js'

/** ACR's scope-map name rule: 5-50 letters, digits and hyphens. */
const SCOPE_MAP_NAME = /^[A-Za-z0-9-]{5,50}$/
/** The repository actions a scope map may hold (`_registry` actions are not modelled). */
const ACTION =
  /^repositories\/[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*\/(?:content\/(?:read|write|delete)|metadata\/(?:read|write))$/

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
 * `scopeMaps.list`, `.get`, `.create` (a long-running PUT; a new one counts against the SKU's
 * scope-map quota) and `.delete` (long-running).
 */
export function scopeMapRoute(
  request: FakeRequest,
  operation: string,
  path: ArmPath,
  ctx: ArmContext,
): FakeResponse {
  const registry = findRegistry(ctx.state, path)
  if (registry === undefined) {
    return armError(
      404,
      'ParentResourceNotFound',
      `Can not perform requested operation on nested resource. Parent resource '${path.registryName}' not found.`,
    )
  }
  const regKey = registryKey(path.subscriptionId, path.resourceGroup, path.registryName)
  if (operation === 'scopeMaps.list') {
    const value = [...ctx.state.scopeMaps.values()].filter((m) => m.registryKey === regKey)
    return json(200, { value: value.map((m) => scopeMapBody(m)) })
  }
  const name = path.scopeMapName ?? ''
  const key = `${regKey}/${name.toLowerCase()}`
  const existing = ctx.state.scopeMaps.get(key)
  if (operation === 'scopeMaps.get') {
    return existing === undefined
      ? resourceNotFound(path, `/scopeMaps/${name}`)
      : json(200, scopeMapBody(existing))
  }
  if (operation === 'scopeMaps.delete') return deleteScopeMap(path, key, registry, ctx)
  return createScopeMap(request, path, { key, name, registry, registryKey: regKey }, ctx)
}

// --- Internal ---

interface Target {
  key: string
  name: string
  registry: FakeRegistry
  registryKey: string
}

function createScopeMap(
  request: FakeRequest,
  path: ArmPath,
  target: Target,
  ctx: ArmContext,
): FakeResponse {
  const input = parseScopeMap(request, target.name)
  if ('status' in input) return input
  const existing = ctx.state.scopeMaps.get(target.key)
  if (existing === undefined) {
    const refused = overQuota(ctx, target, 'scopeMaps')
    if (refused !== undefined) return refused
  }
  const map: FakeScopeMap = existing ?? {
    id: `${target.registry.id}/scopeMaps/${target.name}`,
    name: target.name,
    registryKey: target.registryKey,
    description: undefined,
    actions: [],
    creationDate: new Date(),
    provisioningState: 'Creating',
  }
  map.actions = input.actions
  map.description = input.description
  ctx.state.scopeMaps.set(target.key, map)
  return startPut(ctx, {
    operation: 'scopeMaps.create',
    path,
    resource: map,
    location: target.registry.location,
    isNew: existing === undefined,
    body: () => scopeMapBody(map),
    discard: () => ctx.state.scopeMaps.delete(target.key),
  })
}

/** The validated name, actions and description of a PUT, or the 400 answer. */
function parseScopeMap(
  request: FakeRequest,
  name: string,
): { actions: string[]; description: string | undefined } | FakeResponse {
  if (!SCOPE_MAP_NAME.test(name)) {
    return armError(
      400,
      'InvalidResourceName',
      `The scope map name '${name}' is invalid: use 5-50 letters, digits and hyphens.`,
    )
  }
  const body = parseJson(request.body) as { properties?: Record<string, unknown> } | undefined
  const { actions, description } = body?.properties ?? {}
  const valid = (a: unknown): a is string => typeof a === 'string' && ACTION.test(a)
  if (!Array.isArray(actions) || actions.length === 0 || !actions.every(valid)) {
    return armError(
      400,
      'InvalidScopeMapActions',
      'properties.actions must list repository actions',
    )
  }
  return {
    actions: [...new Set(actions as string[])],
    description: typeof description === 'string' ? description : undefined,
  }
}

function deleteScopeMap(
  path: ArmPath,
  key: string,
  registry: FakeRegistry,
  ctx: ArmContext,
): FakeResponse {
  const existing = ctx.state.scopeMaps.get(key)
  // ARM deletes are idempotent: nothing to delete is a success.
  if (existing === undefined) return { status: 204 }
  return startDelete(ctx, {
    operation: 'scopeMaps.delete',
    path,
    resource: existing,
    location: registry.location,
    remove: () => ctx.state.scopeMaps.delete(key),
  })
}
