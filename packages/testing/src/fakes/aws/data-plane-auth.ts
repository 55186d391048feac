import {
  type AuthorizeInput,
  type AuthorizeResult,
  type Authorizer,
  parseBasic,
} from '@artifact-registry/registry-server'
import type { FakeClock } from './clock.js'
import type { EcrState } from './ecr-state.js'
import type { IamEvaluator } from './iam-evaluator.js'
import { ecrActionsFor } from './registry-actions.js'
import type { SessionStore } from './sessions.js'
import type { AuthorizationTokenRecord } from './types.js'

/** What the data plane checks a request against. */
export interface DataPlaneAuthContext {
  readonly state: EcrState
  readonly sessions: SessionStore
  /** Authorization tokens by password. */
  readonly tokens: ReadonlyMap<string, AuthorizationTokenRecord>
  readonly clock: FakeClock
  /** The identity's own policies and the session policy. */
  readonly iam: IamEvaluator
  /** The fake's own Basic credential, for the admin endpoints it calls itself. */
  readonly admin: { readonly username: string; readonly password: string }
  /** The registry's URL, for the challenge (known once it listens). */
  readonly url: () => string
}

/**
 * The registry's authorizer, applying ECR's rules: Basic `AWS:<password>` with a password from
 * `GetAuthorizationToken`, refused once the token or the STS session behind it has expired; then,
 * per repository, every ECR action the request needs (see `ecrActionsFor`) must be allowed on the
 * repository's ARN in the token's region by the identity's policies and the session policy
 * (403 `DENIED`), and the repository must exist there: ECR answers a push or pull of a missing
 * repository with 404 `NAME_UNKNOWN`. An image push it lets through is what replication copies
 * (`EcrState.pushed`).
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
  for (const access of input.access) {
    if (access.type !== 'repository') return { ok: false, reason: 'denied' }
    const arn = ctx.state.repositoryArn(token.region, access.name)
    const allowed = actions.every((action) => ctx.iam.refusal(session, action, arn) === undefined)
    if (!allowed) return { ok: false, reason: 'denied' }
    if (ctx.state.repository(token.region, access.name) === undefined) {
      return { ok: false, reason: 'name-unknown' }
    }
  }
  // ECR replicates what is pushed, and creates a replica with the first image pushed.
  if (actions.includes('ecr:PutImage')) {
    for (const access of input.access) ctx.state.pushed(token.region, access.name)
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
