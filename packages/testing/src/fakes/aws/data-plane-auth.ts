import { randomBytes } from 'node:crypto'
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

/**
 * Keep a new token, with a fresh password, where the data plane finds it; the token is returned
 * for its password and the caller's own log.
 */
export function keepNewToken(
  tokens: Map<string, IssuedToken>,
  token: Omit<IssuedToken, 'password'>,
): IssuedToken {
  const issued = { ...token, password: randomBytes(24).toString('base64') }
  tokens.set(issued.password, issued)
  return issued
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
  const { lambda, foreign } = token
  const decided =
    lambda !== undefined
      ? decideByPolicy(
          ctx,
          input,
          token.region,
          lambda.creator,
          [lambda.creator, lambda.service],
          actions,
        )
      : foreign !== undefined
        ? decideByPolicy(ctx, input, token.region, foreign, [foreign], actions)
        : decideOwn(ctx, input, token, actions)
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
 * A caller of another account, or the Lambda service pulling for a function of one: only the
 * repository's policy can let it in, allowing every action to each of `callers` (the caller
 * itself; the function's creator and the service, see `LambdaPull`). The token dies with the
 * session behind `identity`, as an own caller's does. A repository that does not exist has no
 * policy, so it is refused as one the caller may not use.
 */
function decideByPolicy(
  ctx: DataPlaneAuthContext,
  input: AuthorizeInput,
  region: string,
  identity: ForeignCaller,
  callers: readonly PolicyCaller[],
  actions: readonly string[],
): AuthorizeResult | undefined {
  if (foreignSessionEnded(identity, ctx.clock.now())) return unauthenticated(ctx)
  if (!ctx.foreign.isLive(identity)) return { ok: false, reason: 'denied' }
  for (const access of input.access) {
    const policy = ctx.state.policy(region, access.name)
    const allowed = actions.every((action) =>
      callers.every((caller) => repositoryPolicyDecision(policy, caller, action) === 'allow'),
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
