import type { FakeRequest, FakeResponse } from '../fake-server.js'
import type { ArmContext, ArmPath } from './arm.js'
import { armListPage } from './arm-pages.js'
import type { FakeLroOperation } from './lro.js'
import { startDelete, startPut } from './provisioning.js'
import { overQuota } from './quotas.js'
import { findRegistry } from './registries.js'
import { armError, json, resourceNotFound } from './responses.js'
import { type FakeRegistry, type FakeScopeMap, type FakeToken, registryKey } from './state.js'

/** Where a PUT of a registry's child resource writes. */
export interface ChildTarget {
  /** The state key: `{registry key}/{name}`, lower-cased. */
  readonly key: string
  /** The name as the request spelled it. */
  readonly name: string
  readonly registry: FakeRegistry
  readonly registryKey: string
}

/** What {@link childResourceRoute} needs to know of one child resource type of a registry. */
export interface ChildResourceType<T extends FakeScopeMap | FakeToken> {
  /** The ARM type segment, also the operation prefix and the quota counted. */
  readonly type: 'scopeMaps' | 'tokens'
  /** What ARM calls one in messages (`scope map`, `token`). */
  readonly label: string
  /** Its ARM body. */
  readonly body: (resource: T) => unknown
  /**
   * The resource a PUT with a valid name makes of `existing` (or a new one), or ARM's 400
   * answer. It is stored only once the quota allows it.
   */
  readonly fromPut: (
    request: FakeRequest,
    target: ChildTarget,
    existing: T | undefined,
    ctx: ArmContext,
  ) => T | FakeResponse
  /** How a PATCH updates one in place; absent for a type the fake does not update. */
  readonly patch?: ChildPatch<T>
}

/** A PATCH of a child resource: a long-running update of one that exists. */
export interface ChildPatch<T> {
  /** Its long-running operation, for injected failures. */
  readonly operation: FakeLroOperation & `${string}.update`
  /**
   * What the PATCH makes of the `existing` resource (it merges: what it leaves out stays), or
   * ARM's 400 answer.
   */
  readonly apply: (request: FakeRequest, existing: T) => T | FakeResponse
}

/**
 * `{type}.list`, `.get`, `.create` (a long-running PUT; a new one counts against the SKU's quota
 * of that type), `.update` (a long-running PATCH of an existing one, for a type with
 * `patch`) and `.delete` (long-running, idempotent) of a registry's child resources.
 */
export function childResourceRoute<T extends FakeScopeMap | FakeToken>(
  childType: ChildResourceType<T>,
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
  const { type } = childType
  const stored = storeOf(childType, ctx)
  const regKey = registryKey(path.subscriptionId, path.resourceGroup, path.registryName)
  if (operation === `${type}.list`) {
    const value = [...stored.values()].filter((r) => r.registryKey === regKey)
    return armListPage(
      request,
      `${regKey}/${type}`,
      value.map((r) => childType.body(r)),
      ctx.pageLimit,
    )
  }
  const name = (type === 'tokens' ? path.tokenName : path.scopeMapName) ?? ''
  const target: ChildTarget = {
    key: `${regKey}/${name.toLowerCase()}`,
    name,
    registry,
    registryKey: regKey,
  }
  const existing = stored.get(target.key)
  if (operation === `${type}.get`) {
    return existing === undefined
      ? resourceNotFound(path, `/${type}/${name}`)
      : json(200, childType.body(existing))
  }
  if (operation === `${type}.delete`) {
    // ARM deletes are idempotent: nothing to delete is a success.
    if (existing === undefined) return { status: 204 }
    return startDelete(ctx, {
      operation: `${type}.delete`,
      path,
      resource: existing,
      location: registry.location,
      remove: () => stored.delete(target.key),
    })
  }
  if (operation === `${type}.update`) {
    // A PATCH updates what exists and never creates: a missing one is ARM's 404.
    if (existing === undefined || childType.patch === undefined) {
      return resourceNotFound(path, `/${type}/${name}`)
    }
    return patchChild(childType, childType.patch, request, path, existing, target, ctx)
  }
  return putChild(childType, request, path, target, ctx)
}

// --- Internal ---

/** ACR's rule for scope-map and token names: 5-50 letters, digits and hyphens. */
const CHILD_NAME = /^[A-Za-z0-9-]{5,50}$/

function putChild<T extends FakeScopeMap | FakeToken>(
  childType: ChildResourceType<T>,
  request: FakeRequest,
  path: ArmPath,
  target: ChildTarget,
  ctx: ArmContext,
): FakeResponse {
  if (!CHILD_NAME.test(target.name)) {
    return armError(
      400,
      'InvalidResourceName',
      `The ${childType.label} name '${target.name}' is invalid: use 5-50 letters, digits and hyphens.`,
    )
  }
  const stored = storeOf(childType, ctx)
  const existing = stored.get(target.key)
  const resource = childType.fromPut(request, target, existing, ctx)
  // A resource has an id, ARM's answer has none.
  if (!('id' in resource)) return resource
  if (existing === undefined) {
    const refused = overQuota(ctx, target, childType.type)
    if (refused !== undefined) return refused
  }
  stored.set(target.key, resource)
  return startPut(ctx, {
    operation: `${childType.type}.create`,
    path,
    resource,
    location: target.registry.location,
    isNew: existing === undefined,
    body: () => childType.body(resource),
    discard: () => stored.delete(target.key),
  })
}

function patchChild<T extends FakeScopeMap | FakeToken>(
  childType: ChildResourceType<T>,
  patch: ChildPatch<T>,
  request: FakeRequest,
  path: ArmPath,
  existing: T,
  target: ChildTarget,
  ctx: ArmContext,
): FakeResponse {
  const resource = patch.apply(request, existing)
  // A resource has an id, ARM's answer has none.
  if (!('id' in resource)) return resource
  return startPut(ctx, {
    operation: patch.operation,
    path,
    resource,
    location: target.registry.location,
    isNew: false,
    body: () => childType.body(resource),
    // An update leaves the resource in place: a failed one marks it `Failed`.
    discard: () => {},
  })
}

/** Where the state keeps the resources of `childType`. */
function storeOf<T extends FakeScopeMap | FakeToken>(
  childType: ChildResourceType<T>,
  ctx: ArmContext,
): Map<string, T> {
  // The state holds scope maps under `scopeMaps`, tokens under `tokens`: T follows the type.
  return ctx.state[childType.type] as Map<string, T>
}
