import type { FakeRequest, FakeResponse } from '../fake-server.js'
import type { ArmContext, ArmPath } from './arm.js'
import { startDelete, startPut } from './provisioning.js'
import { overQuota } from './quotas.js'
import { findRegistry } from './registries.js'
import { armError, json, parseJson, resourceNotFound } from './responses.js'
import { type FakeRegistry, type FakeToken, registryKey } from './state.js'

/** ACR's token name rule: 5-50 letters, digits and hyphens. */
const TOKEN_NAME = /^[A-Za-z0-9-]{5,50}$/
const STATUSES: readonly FakeToken['status'][] = ['enabled', 'disabled']

/**
 * The ARM body of a token (`properties.*` on the wire). Password values never appear: ARM shows
 * them once, in the answer of `generateCredentials`.
 */
export function tokenBody(token: FakeToken): unknown {
  return {
    id: token.id,
    name: token.name,
    type: 'Microsoft.ContainerRegistry/registries/tokens',
    properties: {
      creationDate: token.creationDate.toISOString(),
      provisioningState: token.provisioningState,
      scopeMapId: token.scopeMapId,
      status: token.status,
      credentials: {
        certificates: [],
        passwords: token.passwords.map((p) => ({
          name: p.name,
          creationTime: p.creationTime.toISOString(),
          expiry: p.expiry?.toISOString(),
        })),
      },
    },
  }
}

/** The token an ARM id names, in the registry of `registryKey`, if it exists. */
export function tokenOfId(
  tokens: ReadonlyMap<string, FakeToken>,
  registry: FakeRegistry,
  id: unknown,
): FakeToken | undefined {
  if (typeof id !== 'string') return undefined
  const prefix = `${registry.id}/tokens/`.toLowerCase()
  const lower = id.toLowerCase()
  if (!lower.startsWith(prefix)) return undefined
  const key = registryKey(registry.subscriptionId, registry.resourceGroup, registry.name)
  return tokens.get(`${key}/${lower.slice(prefix.length)}`)
}

/**
 * `tokens.list`, `.get`, `.create` (a long-running PUT: binds the token to a scope map of the
 * same registry, counts against the SKU's token quota when new) and `.delete` (long-running).
 */
export function tokenRoute(
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
  if (operation === 'tokens.list') {
    const value = [...ctx.state.tokens.values()].filter((t) => t.registryKey === regKey)
    return json(200, { value: value.map((t) => tokenBody(t)) })
  }
  const name = path.tokenName ?? ''
  const key = `${regKey}/${name.toLowerCase()}`
  const existing = ctx.state.tokens.get(key)
  if (operation === 'tokens.get') {
    return existing === undefined
      ? resourceNotFound(path, `/tokens/${name}`)
      : json(200, tokenBody(existing))
  }
  if (operation === 'tokens.delete') {
    // ARM deletes are idempotent: nothing to delete is a success.
    if (existing === undefined) return { status: 204 }
    return startDelete(ctx, {
      operation: 'tokens.delete',
      path,
      resource: existing,
      location: registry.location,
      remove: () => ctx.state.tokens.delete(key),
    })
  }
  return createToken(request, path, { key, name, registry, registryKey: regKey }, ctx)
}

// --- Internal ---

interface Target {
  key: string
  name: string
  registry: FakeRegistry
  registryKey: string
}

function createToken(
  request: FakeRequest,
  path: ArmPath,
  target: Target,
  ctx: ArmContext,
): FakeResponse {
  const input = parseToken(request, target, ctx)
  if ('status' in input) return input
  const existing = ctx.state.tokens.get(target.key)
  if (existing === undefined) {
    const refused = overQuota(ctx, target, 'tokens')
    if (refused !== undefined) return refused
  }
  const token: FakeToken = existing ?? {
    id: `${target.registry.id}/tokens/${target.name}`,
    name: target.name,
    registryKey: target.registryKey,
    scopeMapId: input.scopeMapId,
    status: input.tokenStatus,
    passwords: [],
    creationDate: new Date(ctx.clock.now()),
    provisioningState: 'Creating',
  }
  token.scopeMapId = input.scopeMapId
  token.status = input.tokenStatus
  ctx.state.tokens.set(target.key, token)
  return startPut(ctx, {
    operation: 'tokens.create',
    path,
    resource: token,
    location: target.registry.location,
    isNew: existing === undefined,
    body: () => tokenBody(token),
    discard: () => ctx.state.tokens.delete(target.key),
  })
}

/** The validated scope map and status of a PUT, or the 400 answer. */
function parseToken(
  request: FakeRequest,
  target: Target,
  ctx: ArmContext,
): { scopeMapId: string; tokenStatus: FakeToken['status'] } | FakeResponse {
  if (!TOKEN_NAME.test(target.name)) {
    return armError(
      400,
      'InvalidResourceName',
      `The token name '${target.name}' is invalid: use 5-50 letters, digits and hyphens.`,
    )
  }
  const body = parseJson(request.body) as { properties?: Record<string, unknown> } | undefined
  const { scopeMapId, status = 'enabled' } = body?.properties ?? {}
  const map = typeof scopeMapId === 'string' ? scopeMapOfId(ctx, target, scopeMapId) : undefined
  if (map === undefined) {
    return armError(
      400,
      'InvalidScopeMapId',
      `properties.scopeMapId must be the id of a scope map of registry '${target.registry.name}'`,
    )
  }
  if (!STATUSES.includes(status as FakeToken['status'])) {
    return armError(400, 'InvalidTokenStatus', "properties.status must be 'enabled' or 'disabled'")
  }
  return { scopeMapId: map, tokenStatus: status as FakeToken['status'] }
}

/** The stored id of the scope map `id` names in the target's registry, if it exists. */
function scopeMapOfId(ctx: ArmContext, target: Target, id: string): string | undefined {
  const prefix = `${target.registry.id}/scopeMaps/`.toLowerCase()
  const lower = id.toLowerCase()
  if (!lower.startsWith(prefix)) return undefined
  return ctx.state.scopeMaps.get(`${target.registryKey}/${lower.slice(prefix.length)}`)?.id
}
