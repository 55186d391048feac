import {
  type AuthorizeInput,
  type AuthorizeResult,
  type Authorizer,
  parseBasic,
} from '@artifact-registry/registry-server'
import type { FakeClock } from './clock.js'
import type { EcrState } from './ecr-state.js'
import {
  type ForeignCaller,
  type ForeignIdentities,
  foreignSessionEnded,
} from './foreign-identities.js'
import type { IamEvaluator } from './iam-evaluator.js'
import type { LambdaPull } from './lambda-pulls.js'
import { ecrActionsFor } from './registry-actions.js'
import { type PolicyCaller, repositoryPolicyDecision } from './repository-policy-eval.js'
import { callerArn, type FakeSession, type SessionStore } from './sessions.js'
import type { AuthorizationTokenRecord } from './types.js'

/**
 * A token as the fake keeps it: for a caller of another account, who that caller is; for the
 * Lambda service pulling a function's image, that pull.
 */
export interface IssuedToken extends AuthorizationTokenRecord {
  readonly foreign?: ForeignCaller
  readonly lambda?: LambdaPull
}

/** What the data plane checks a request against. */
export interface DataPlaneAuthContext {
  readonly state: EcrState
  readonly sessions: SessionStore
  /** Authorization tokens by password. */
  readonly tokens: ReadonlyMap<string, IssuedToken>
  readonly clock: FakeClock
  /** The identity's own policies and the session policy. */
  readonly iam: IamEvaluator
  /** Callers of other accounts, whom only the repository's policy can let in. */
  readonly foreign: ForeignIdentities
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
 * repository with 404 `NAME_UNKNOWN`. A `Deny` of the repository's policy that names the caller
 * refuses it too. A caller of another account (a token of a foreign identity) gets in only where
 * the repository's policy, as it reads now, allows it every action of the request: an account
 * grant, a grant of its role, or `*` (see `repositoryPolicyDecision`); its own account's IAM is
 * not modelled. An image push let through is what replication copies (`EcrState.pushed`).
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
  const actions = ecrActionsFor(input.request)
  if (actions === undefined) return { ok: false, reason: 'denied' }
  if (input.access.some((access) => access.type !== 'repository')) {
    return { ok: false, reason: 'denied' }
  }
  const decided =
    token.lambda !== undefined
      ? decideLambda(ctx, input, token.lambda, actions)
      : token.foreign === undefined
        ? decideOwn(ctx, input, token, actions)
        : decideForeign(ctx, input, token, token.foreign, actions)
  if (decided !== undefined) return decided
  // ECR replicates what is pushed, and creates a replica with the first image pushed.
  if (actions.includes('ecr:PutImage')) {
    for (const access of input.access) ctx.state.pushed(token.region, access.name)
  }
  return { ok: true, subject: token.accessKeyId }
}

/** A caller of the fake's account: its identity policies and session policy decide. */
function decideOwn(
  ctx: DataPlaneAuthContext,
  input: AuthorizeInput,
  token: IssuedToken,
  actions: readonly string[],
): AuthorizeResult | undefined {
  const session = ctx.sessions.find(token.accessKeyId)
  if (session !== undefined && session.expiration.getTime() <= ctx.clock.now()) {
    return unauthenticated(ctx)
  }
  const caller = ownCaller(ctx, session)
  for (const access of input.access) {
    const arn = ctx.state.repositoryArn(token.region, access.name)
    const allowed = actions.every((action) => ctx.iam.refusal(session, action, arn) === undefined)
    if (!allowed || deniedByPolicy(ctx, token.region, access.name, caller, actions)) {
      return { ok: false, reason: 'denied' }
    }
    if (ctx.state.repository(token.region, access.name) === undefined) {
      return { ok: false, reason: 'name-unknown' }
    }
  }
  return undefined
}

/**
 * A caller of another account: only the repository's policy can let it in, for every action.
 * A repository that does not exist has no policy, so it is refused as one the caller may not use.
 */
function decideForeign(
  ctx: DataPlaneAuthContext,
  input: AuthorizeInput,
  token: AuthorizationTokenRecord,
  caller: ForeignCaller,
  actions: readonly string[],
): AuthorizeResult | undefined {
  // Its token dies with the session behind it, as an own caller's does.
  if (foreignSessionEnded(caller, ctx.clock.now())) return unauthenticated(ctx)
  if (!ctx.foreign.isLive(caller)) return { ok: false, reason: 'denied' }
  for (const access of input.access) {
    const policy = ctx.state.policy(token.region, access.name)
    const allowed = actions.every(
      (action) => repositoryPolicyDecision(policy, caller, action) === 'allow',
    )
    if (!allowed) return { ok: false, reason: 'denied' }
  }
  return undefined
}

/**
 * The Lambda service pulling a function's image: the repository's policy must allow every action
 * to both the function's creator and the service for that function (see `LambdaPull`).
 */
function decideLambda(
  ctx: DataPlaneAuthContext,
  input: AuthorizeInput,
  pull: LambdaPull,
  actions: readonly string[],
): AuthorizeResult | undefined {
  const { creator, service } = pull
  if (foreignSessionEnded(creator, ctx.clock.now())) return unauthenticated(ctx)
  if (!ctx.foreign.isLive(creator)) return { ok: false, reason: 'denied' }
  for (const access of input.access) {
    const policy = ctx.state.policy(pull.region, access.name)
    const allowed = actions.every(
      (action) =>
        repositoryPolicyDecision(policy, creator, action) === 'allow' &&
        repositoryPolicyDecision(policy, service, action) === 'allow',
    )
    if (!allowed) return { ok: false, reason: 'denied' }
  }
  return undefined
}

function ownCaller(ctx: DataPlaneAuthContext, session: FakeSession | undefined): PolicyCaller {
  const arns = [callerArn(session, ctx.state.accountId)]
  if (session !== undefined) arns.push(session.roleArn)
  return { accountId: ctx.state.accountId, arns }
}

function deniedByPolicy(
  ctx: DataPlaneAuthContext,
  region: string,
  name: string,
  caller: PolicyCaller,
  actions: readonly string[],
): boolean {
  const policy = ctx.state.policy(region, name)
  return actions.some((action) => repositoryPolicyDecision(policy, caller, action) === 'deny')
}

function unauthenticated(ctx: DataPlaneAuthContext): AuthorizeResult {
  return {
    ok: false,
    reason: 'unauthenticated',
    challenge: `Basic realm="${ctx.url()}/",service="ecr.amazonaws.com"`,
  }
}
