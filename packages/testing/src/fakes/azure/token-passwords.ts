import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { FakeRequest, FakeResponse } from '../fake-server.js'
import type { BasicVerifier, TokenAction, TokenGrant } from './acr-grants.js'
import type { ArmContext, ArmPath } from './arm.js'
import { findRegistry } from './registries.js'
import { armError, json, parseJson, resourceNotFound } from './responses.js'
import type { AzureFakeState, FakeToken, FakeTokenPassword } from './state.js'
import { tokenOfId } from './tokens.js'

const SLOTS: readonly FakeTokenPassword['name'][] = ['password1', 'password2']

/**
 * What each scope-map action of a repository allows at `/oauth2/token`, as ACR documents the
 * actions: `content/read` pulls, `content/write` pushes, `content/delete` deletes manifests and
 * the repository, `metadata/read` lists tags (`metadata_read`) and `metadata/write` changes the
 * attributes of tags and manifests (`metadata_write`). The fake serves the tag listing; it does
 * not serve ACR's attribute API, which neither the providers nor skopeo call (the testing README
 * says so).
 */
const DOCKER_ACTIONS: Readonly<Record<string, TokenAction>> = {
  'content/read': 'pull',
  'content/write': 'push',
  'content/delete': 'delete',
  'metadata/read': 'metadata_read',
  'metadata/write': 'metadata_write',
}

/**
 * `registries.generateCredentials` (a long-running POST): new values for the `name`d password of
 * the token `tokenId` (both slots when `name` is absent), each valid until `expiry` when given.
 * The passwords that held those slots stop working when the operation finishes; the answer is
 * the only place their values appear.
 */
export function generateCredentialsRoute(
  request: FakeRequest,
  path: ArmPath,
  ctx: ArmContext,
): FakeResponse {
  const registry = findRegistry(ctx.state, path)
  if (registry === undefined) return resourceNotFound(path)
  const body = parseJson(request.body) as Record<string, unknown> | undefined
  const token = tokenOfId(ctx.state.tokens, registry, body?.tokenId)
  if (token === undefined) {
    return resourceNotFound(path, `/tokens/${String(body?.tokenId).split('/').pop()}`)
  }
  const slots = body?.name === undefined ? SLOTS : SLOTS.filter((s) => s === body.name)
  if (slots.length === 0) {
    return armError(400, 'InvalidPasswordName', "name must be 'password1' or 'password2'")
  }
  const expiry = body?.expiry === undefined ? undefined : new Date(String(body.expiry))
  if (expiry !== undefined && Number.isNaN(expiry.getTime())) {
    return armError(400, 'InvalidExpiry', `expiry '${String(body?.expiry)}' is not a date-time`)
  }
  const creationTime = new Date(ctx.clock.now())
  const passwords = slots.map((name) => ({
    name,
    value: randomBytes(32).toString('base64url'),
    creationTime,
    expiry,
  }))
  const result = {
    username: token.name,
    passwords: passwords.map((p) => ({
      name: p.name,
      value: p.value,
      creationTime: p.creationTime.toISOString(),
      expiry: p.expiry?.toISOString(),
    })),
  }
  return ctx.lro.start({
    operation: 'registries.generateCredentials',
    subscriptionUrl: path.subscriptionUrl,
    location: registry.location,
    initialStatus: 202,
    complete: () => {
      token.passwords = [...token.passwords.filter((p) => !slots.includes(p.name)), ...passwords]
    },
    abort: () => {},
    result: () => json(200, result),
    resultAtLocation: true,
  })
}

/**
 * @internal The verifier of ACR repository-scoped tokens at `/oauth2/token`: the token's name as
 * username and one of its passwords, at the login server of the token's registry, while the
 * token is enabled and the password has not expired on the fake's clock. What it grants is what
 * the token's scope map allows; access tokens issued on it expire no later than the password (the
 * fake never lets a credential outlive it).
 */
export function tokenPasswordVerifier(state: AzureFakeState): BasicVerifier {
  return ({ username, password }, { service, nowSeconds }) => {
    // A token logs in at its own registry's login server only.
    const registryKey = state.loginServers.get(service)
    for (const token of state.tokens.values()) {
      if (token.registryKey !== registryKey) continue
      if (token.name.toLowerCase() !== username.toLowerCase()) continue
      if (token.status !== 'enabled' || token.provisioningState !== 'Succeeded') continue
      const valid = token.passwords.find(
        (p) =>
          sameSecret(p.value, password) &&
          (p.expiry === undefined || expirySeconds(p) > nowSeconds),
      )
      if (valid !== undefined) return grantOf(token, valid, state)
    }
    return undefined
  }
}

// --- Internal ---

function grantOf(token: FakeToken, password: FakeTokenPassword, state: AzureFakeState): TokenGrant {
  const map = [...state.scopeMaps.values()].find(
    (m) => m.id.toLowerCase() === token.scopeMapId.toLowerCase(),
  )
  const actions = map?.actions ?? []
  return {
    subject: token.id,
    allowed: (type, name) => {
      if (type !== 'repository') return []
      const prefix = `repositories/${name}/`
      return actions
        .filter((a) => a.startsWith(prefix))
        .flatMap((a) => DOCKER_ACTIONS[a.slice(prefix.length)] ?? [])
    },
    ...(password.expiry === undefined ? {} : { exp: expirySeconds(password) }),
  }
}

function expirySeconds(password: FakeTokenPassword): number {
  return Math.floor((password.expiry?.getTime() ?? 0) / 1000)
}

function sameSecret(stored: string, given: string): boolean {
  const a = Buffer.from(stored)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}
