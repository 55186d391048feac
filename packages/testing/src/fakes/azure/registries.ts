import type { FakeRequest, FakeResponse } from '../fake-server.js'
import type { ArmContext, ArmPath } from './arm.js'
import { startDelete, startPut } from './provisioning.js'
import { armError, json, parseJson, resourceNotFound } from './responses.js'
import {
  type AzureFakeState,
  type FakeRegistry,
  type FakeRegistryInit,
  type FakeSku,
  registryId,
  registryKey,
} from './state.js'

const SKUS: readonly FakeSku[] = ['Basic', 'Standard', 'Premium']

/** Add a registry to the state (from options or a test), already provisioned. */
export function addRegistry(state: AzureFakeState, init: Required<FakeRegistryInit>): FakeRegistry {
  const registry: FakeRegistry = {
    id: registryId(init.subscriptionId, init.resourceGroup, init.name),
    subscriptionId: init.subscriptionId,
    resourceGroup: init.resourceGroup,
    name: init.name,
    sku: init.sku,
    location: init.location,
    creationDate: new Date(),
    provisioningState: 'Succeeded',
  }
  state.registries.set(registryKey(init.subscriptionId, init.resourceGroup, init.name), registry)
  return registry
}

/** The registry of a path, if it exists. */
export function findRegistry(state: AzureFakeState, path: ArmPath): FakeRegistry | undefined {
  return state.registries.get(
    registryKey(path.subscriptionId, path.resourceGroup, path.registryName),
  )
}

/** The ARM body of a registry, as `registries.get` returns it. */
export function registryBody(registry: FakeRegistry): unknown {
  return {
    id: registry.id,
    name: registry.name,
    type: 'Microsoft.ContainerRegistry/registries',
    location: registry.location,
    sku: { name: registry.sku, tier: registry.sku },
    tags: {},
    properties: {
      loginServer: `${registry.name.toLowerCase()}.azurecr.io`,
      creationDate: registry.creationDate.toISOString(),
      provisioningState: registry.provisioningState,
      adminUserEnabled: false,
    },
  }
}

/** `registries.get`, `registries.create` (a long-running PUT) and `registries.delete`. */
export function registryRoute(
  request: FakeRequest,
  operation: string,
  path: ArmPath,
  ctx: ArmContext,
): FakeResponse {
  const existing = findRegistry(ctx.state, path)
  if (operation === 'registries.get') {
    return existing === undefined ? resourceNotFound(path) : json(200, registryBody(existing))
  }
  if (operation === 'registries.delete') {
    // ARM deletes are idempotent: nothing to delete is a success.
    return existing === undefined ? { status: 204 } : deleteRegistry(path, existing, ctx)
  }
  return createRegistry(request, path, existing, ctx)
}

// --- Internal ---

function createRegistry(
  request: FakeRequest,
  path: ArmPath,
  existing: FakeRegistry | undefined,
  ctx: ArmContext,
): FakeResponse {
  const input = parseRegistry(request, path)
  if ('status' in input) return input
  const { sku, location } = input
  const registry =
    existing ??
    addRegistry(ctx.state, {
      subscriptionId: path.subscriptionId,
      resourceGroup: path.resourceGroup,
      name: path.registryName,
      sku,
      location,
    })
  registry.sku = sku
  const key = registryKey(path.subscriptionId, path.resourceGroup, path.registryName)
  return startPut(ctx, {
    operation: 'registries.create',
    path,
    resource: registry,
    location: registry.location,
    isNew: existing === undefined,
    body: () => registryBody(registry),
    discard: () => ctx.state.registries.delete(key),
  })
}

/** The validated SKU and location of a PUT, or the 400 answer. */
function parseRegistry(
  request: FakeRequest,
  path: ArmPath,
): { sku: FakeSku; location: string } | FakeResponse {
  const body = parseJson(request.body) as { location?: unknown; sku?: { name?: unknown } }
  const sku = SKUS.find((s) => s === body?.sku?.name)
  if (sku === undefined || typeof body?.location !== 'string') {
    return armError(
      400,
      'InvalidRequestContent',
      'location and sku.name (Basic, Standard, Premium) are required',
    )
  }
  if (!/^[A-Za-z0-9]{5,50}$/.test(path.registryName)) {
    return armError(
      400,
      'RegistryNameNotValid',
      `The registry name '${path.registryName}' is invalid.`,
    )
  }
  return { sku, location: body.location }
}

function deleteRegistry(path: ArmPath, existing: FakeRegistry, ctx: ArmContext): FakeResponse {
  return startDelete(ctx, {
    operation: 'registries.delete',
    path,
    resource: existing,
    location: existing.location,
    remove: () => removeRegistry(ctx.state, existing),
  })
}

/** Take a registry out of the state, with its scope maps and tokens. */
function removeRegistry(state: AzureFakeState, registry: FakeRegistry): void {
  const key = registryKey(registry.subscriptionId, registry.resourceGroup, registry.name)
  state.registries.delete(key)
  for (const resources of [state.scopeMaps, state.tokens]) {
    for (const [k, resource] of resources) {
      if (resource.registryKey === key) resources.delete(k)
    }
  }
}
