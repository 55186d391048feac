import type { FakeRequest, FakeResponse } from '../fake-server.js'
import type { ArmContext } from './arm.js'
import type { ChildResourceType, ChildTarget } from './child-resources.js'
import { armError, parseJson } from './responses.js'
import { type FakeRegistry, type FakeToken, registryKey } from './state.js'

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
 * ACR tokens as {@link childResourceRoute} serves them: `tokens.list`, `.get`, `.create` (a
 * long-running PUT: binds the token to a scope map of the same registry, counts against the
 * SKU's token quota when new) and `.delete` (long-running).
 */
export const TOKENS: ChildResourceType<FakeToken> = {
  type: 'tokens',
  label: 'token',
  body: tokenBody,
  fromPut: (request, target, existing, ctx) => {
    const input = parseToken(request, target, ctx)
    if (!('scopeMapId' in input)) return input
    const created: FakeToken = {
      id: `${target.registry.id}/tokens/${target.name}`,
      name: target.name,
      registryKey: target.registryKey,
      ...input,
      passwords: [],
      creationDate: new Date(ctx.clock.now()),
      provisioningState: 'Creating',
    }
    return Object.assign(existing ?? created, input)
  },
}

// --- Internal ---

/** The validated scope map and status of a PUT, or the 400 answer. */
function parseToken(
  request: FakeRequest,
  target: ChildTarget,
  ctx: ArmContext,
): { scopeMapId: string; status: FakeToken['status'] } | FakeResponse {
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
  return { scopeMapId: map, status: status as FakeToken['status'] }
}

/** The stored id of the scope map `id` names in the target's registry, if it exists. */
function scopeMapOfId(ctx: ArmContext, target: ChildTarget, id: string): string | undefined {
  const prefix = `${target.registry.id}/scopeMaps/`.toLowerCase()
  const lower = id.toLowerCase()
  if (!lower.startsWith(prefix)) return undefined
  return ctx.state.scopeMaps.get(`${target.registryKey}/${lower.slice(prefix.length)}`)?.id
}
