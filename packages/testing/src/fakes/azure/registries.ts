import type { FakeRequest, FakeResponse } from '../fake-server.js'
import type { ArmContext, ArmPath } from './arm.js'
import { startDelete, startPut } from './provisioning.js'
import {
  anonymousPullRefusal,
  parseRegistrySettings,
  patchRegistry,
  REGISTRY_DEFAULTS,
  type RegistrySettings,
  replaceRegistry,
} from './registry-properties.js'
import { armError, json, parseJson, resourceNotFound } from './responses.js'
import {
  type AzureFakeState,
  type FakeRegistry,
  type FakeRegistrySeed,
  type FakeSku,
  registryId,
  registryKey,
} from './state.js'

/** Add a registry to the state (from options or a test), already provisioned. */
export function addRegistry(state: AzureFakeState, init: FakeRegistrySeed): FakeRegistry {
  const registry: FakeRegistry = {
    id: registryId(init.subscriptionId, init.resourceGroup, init.name),
    subscriptionId: init.subscriptionId,
    resourceGroup: init.resourceGroup,
    name: init.name,
    sku: init.sku,
    location: init.location,
    creationDate: new Date(),
    provisioningState: 'Succeeded',
    adminUserEnabled: false,
    anonymousPullEnabled: false,
    tags: { ...init.tags },
    publicNetworkAccess: init.publicNetworkAccess ?? REGISTRY_DEFAULTS.publicNetworkAccess,
    networkRuleSet: init.networkRuleSet ?? REGISTRY_DEFAULTS.networkRuleSet,
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

/**
 * The ARM body of a registry, as `registries.get` returns it. Its `loginServer` is where the
 * fake serves the registry (`127.0.0.1:{port}`), as ARM names the host that serves it.
 */
export function registryBody(registry: FakeRegistry, loginServer: string | undefined): unknown {
  return {
    id: registry.id,
    name: registry.name,
    type: 'Microsoft.ContainerRegistry/registries',
    location: registry.location,
    sku: { name: registry.sku, tier: registry.sku },
    tags: { ...registry.tags },
    properties: {
      loginServer: loginServer ?? `${registry.name.toLowerCase()}.azurecr.io`,
      creationDate: registry.creationDate.toISOString(),
      provisioningState: registry.provisioningState,
      adminUserEnabled: registry.adminUserEnabled,
      anonymousPullEnabled: registry.anonymousPullEnabled,
      publicNetworkAccess: registry.publicNetworkAccess,
      ...(registry.networkRuleSet === undefined ? {} : { networkRuleSet: registry.networkRuleSet }),
    },
  }
}

/**
 * `registries.get`, `registries.create` (a long-running PUT that creates or replaces: what it
 * leaves out goes back to its default; a new registry gets a login server of its own; a name is
 * unique across every subscription, as its DNS name is), `registries.update` (a long-running
 * PATCH that merges: what it leaves out stays) and `registries.delete` (long-running; its login
 * server goes with it).
 */
export function registryRoute(
  request: FakeRequest,
  operation: string,
  path: ArmPath,
  ctx: ArmContext,
): FakeResponse | Promise<FakeResponse> {
  const existing = findRegistry(ctx.state, path)
  if (operation === 'registries.get') {
    return existing === undefined ? resourceNotFound(path) : json(200, bodyOf(existing, ctx))
  }
  if (operation === 'registries.delete') {
    // ARM deletes are idempotent: nothing to delete is a success.
    return existing === undefined ? { status: 204 } : deleteRegistry(path, existing, ctx)
  }
  if (operation === 'registries.update') return updateRegistry(request, path, existing, ctx)
  return createRegistry(request, path, existing, ctx)
}

// --- Internal ---

function bodyOf(registry: FakeRegistry, ctx: ArmContext): unknown {
  const key = registryKey(registry.subscriptionId, registry.resourceGroup, registry.name)
  return registryBody(registry, ctx.loginServers.of(key))
}

async function createRegistry(
  request: FakeRequest,
  path: ArmPath,
  existing: FakeRegistry | undefined,
  ctx: ArmContext,
): Promise<FakeResponse> {
  const input = parseRegistry(request, path)
  if ('status' in input) return input
  const { sku, location } = input
  const refused = anonymousPullRefusal(sku, input.anonymousPullEnabled === true)
  if (refused !== undefined) return refused
  if (existing === undefined && nameTaken(ctx, path.registryName)) {
    return armError(
      409,
      'AlreadyInUse',
      `The registry DNS name ${path.registryName.toLowerCase()}.azurecr.io is already in use.`,
    )
  }
  if (existing !== undefined && existing.location.toLowerCase() !== location.toLowerCase()) {
    return armError(
      409,
      'InvalidResourceLocation',
      `The resource '${path.registryName}' already exists in location '${existing.location}'. A resource with the same name cannot be created in location '${location}'.`,
    )
  }
  const key = registryKey(path.subscriptionId, path.resourceGroup, path.registryName)
  const registry =
    existing ??
    addRegistry(ctx.state, {
      subscriptionId: path.subscriptionId,
      resourceGroup: path.resourceGroup,
      name: path.registryName,
      sku,
      location,
    })
  if (existing === undefined) await ctx.loginServers.ensure(key)
  replaceRegistry(registry, input)
  return startPut(ctx, {
    operation: 'registries.create',
    path,
    resource: registry,
    location: registry.location,
    isNew: existing === undefined,
    body: () => bodyOf(registry, ctx),
    discard: () => {
      ctx.state.registries.delete(key)
      ctx.loginServers.stop(key)
    },
  })
}

/** A PATCH of an existing registry: ARM merges what it carries into the registry. */
function updateRegistry(
  request: FakeRequest,
  path: ArmPath,
  existing: FakeRegistry | undefined,
  ctx: ArmContext,
): FakeResponse {
  if (existing === undefined) return resourceNotFound(path)
  const patch = parseRegistrySettings(parseJson(request.body))
  if ('status' in patch) return patch
  const refused = anonymousPullRefusal(
    patch.sku ?? existing.sku,
    patch.anonymousPullEnabled ?? existing.anonymousPullEnabled,
  )
  if (refused !== undefined) return refused
  patchRegistry(existing, patch)
  return startPut(ctx, {
    operation: 'registries.update',
    path,
    resource: existing,
    location: existing.location,
    isNew: false,
    body: () => bodyOf(existing, ctx),
    discard: () => {},
  })
}

/** Whether another subscription or resource group holds a registry of this name (any case). */
function nameTaken(ctx: ArmContext, name: string): boolean {
  return [...ctx.state.registries.values()].some((r) => r.name.toLowerCase() === name.toLowerCase())
}

/** The validated settings of a PUT (`sku` and `location` required), or the 400 answer. */
function parseRegistry(
  request: FakeRequest,
  path: ArmPath,
): (RegistrySettings & { sku: FakeSku; location: string }) | FakeResponse {
  const body = parseJson(request.body) as { location?: unknown } | undefined
  const settings = parseRegistrySettings(body)
  if ('status' in settings) return settings
  const { sku } = settings
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
  return { ...settings, sku, location: body.location }
}

function deleteRegistry(path: ArmPath, existing: FakeRegistry, ctx: ArmContext): FakeResponse {
  return startDelete(ctx, {
    operation: 'registries.delete',
    path,
    resource: existing,
    location: existing.location,
    remove: () => {
      removeRegistry(ctx.state, existing)
      ctx.loginServers.stop(registryKey(path.subscriptionId, path.resourceGroup, existing.name))
    },
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
