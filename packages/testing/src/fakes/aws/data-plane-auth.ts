import {
  type AuthorizeInput,
  type AuthorizeResult,
  type Authorizer,
  parseBasic,
} from '@artifact-registry/registry-server'
import type { FakeClock } from './clock.js'
import type { EcrState } from './ecr-state.js'
import { ecrActionsFor } from './registry-actions.js'
import { sessionPolicyAllows } from './session-policy-eval.js'
import type { SessionStore } from './sessions.js'
import type { AuthorizationTokenRecord } from './types.js'

/** What the data plane checks a request against. */
export interface DataPlaneAuthContext {
  readonly state: EcrState
  readonly sessions: SessionStore
  /** Authorization tokens by password. */
  readonly tokens: ReadonlyMap<string, AuthorizationTokenRecord>
  readonly clock: FakeClock
  readonly enforceSessionPolicies: boolean
  /** The fake's own Basic credential, for the admin endpoints it calls itself. */
  readonly admin: { readonly username: string; readonly password: string }
  /** The registry's URL, for the challenge (known once it listens). */
  readonly url: () => string
}

/**
 * The registry's authorizer, applying ECR's rules: Basic `AWS:<password>` with a password from
 * `GetAuthorizationToken`, refused once the token or the STS session behind it has expired; then,
 * per repository, the repository must exist in the token's region and every ECR action the
 * request needs (see `ecrActionsFor`) must be allowed by the session policy on its ARN.
 * Credentials of an identity that is not a session (the base identity) are not limited further.
 */
export function dataPlaneAuthorizer(ctx: DataPlaneAuthContext): Authorizer {
  return (input) => decide(ctx, input)
}

// --- Internal ---

function decide(ctx: DataPlaneAuthContext, input: AuthorizeInput): AuthorizeResult {
  const basic = parseBasic(input.authorization)
  if (basic?.username === ctx.admin.username && basic.password === ctx.admin.password) {
    return { ok: true, subject: 'aws-fake' }
  }
  const token = basic?.username === 'AWS' ? ctx.tokens.get(basic.password) : undefined
  const now = ctx.clock.now()
  if (token === undefined || token.expiresAt.getTime() <= now) {
    return unauthenticated(ctx)
  }
  const session = ctx.sessions.find(token.accessKeyId)
  if (session !== undefined && session.expiration.getTime() <= now) return unauthenticated(ctx)
  const actions = ecrActionsFor(input.request)
  if (actions === undefined) return { ok: false, reason: 'denied' }
  const policy = ctx.enforceSessionPolicies ? session?.policy : undefined
  for (const access of input.access) {
    if (access.type !== 'repository') return { ok: false, reason: 'denied' }
    const repository = ctx.state.repository(token.region, access.name)
    // ECR refuses a push or a pull of a repository that does not exist.
    if (repository === undefined) return { ok: false, reason: 'denied' }
    const allowed = actions.every(
      (action) =>
        policy === undefined || sessionPolicyAllows(policy, action, repository.repositoryArn),
    )
    if (!allowed) return { ok: false, reason: 'denied' }
  }
  return { ok: true, subject: session?.accessKeyId ?? token.accessKeyId }
}

function unauthenticated(ctx: DataPlaneAuthContext): AuthorizeResult {
  return {
    ok: false,
    reason: 'unauthenticated',
    challenge: `Basic realm="${ctx.url()}/",service="ecr.amazonaws.com"`,
  }
}
