import type { FakeResponse } from '../fake-server.js'
import type { FakeClock } from './clock.js'
import { grammarProblem } from './iam-documents.js'
import type { IamEvaluator } from './iam-evaluator.js'
import type { IamState } from './iam-state.js'
import {
  assumedRoleArn,
  callerArn,
  EXPIRED_TOKEN_MESSAGE,
  type FakeSession,
  INVALID_TOKEN_MESSAGE,
  type SessionStore,
  sessionCredentialProblem,
} from './sessions.js'
import { trustPolicyAllows } from './trust-policy.js'
import type { AssumeRoleRecord, FakeRoleOptions } from './types.js'
import { escapeXml, xmlError, xmlOk } from './wire.js'

/** What an STS operation handler needs besides its parameters. */
export interface StsContext {
  readonly accountId: string
  readonly sessions: SessionStore
  /** The access key id that signed the request. */
  readonly accessKeyId: string
  /** The session that signed the request, when it was an assumed-role session. */
  readonly session: FakeSession | undefined
  readonly roles: Readonly<Record<string, FakeRoleOptions>>
  readonly assumed: AssumeRoleRecord[]
  readonly clock: FakeClock
  /** The caller's own policies: `sts:AssumeRole` on the role must be allowed. */
  readonly iam: IamEvaluator
  /** Roles created through the fake's IAM: their trust policy must name the caller. */
  readonly iamRoles: IamState
}

const ROLE_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/
/** The longest inline session policy STS takes, in characters of plain text. */
const MAX_PACKED_POLICY = 2048
/** The characters an inline session policy may hold: tab, line feed, carriage return, space to U+00FF. */
const SESSION_POLICY_CHARACTERS = /^[\t\n\r\u0020-\u00FF]+$/
/** A role's `MaxSessionDuration` unless it was raised (IAM's default), and role chaining's cap. */
const ONE_HOUR = 3600
/** STS's bounds on `DurationSeconds`, whatever the role allows. */
const MIN_DURATION = 900
const MAX_DURATION = 43_200

/** Answer one STS (awsQuery) operation. */
export function routeSts(ctx: StsContext, action: string, form: URLSearchParams): FakeResponse {
  const problem = sessionCredentialProblem(ctx.accessKeyId, ctx.session, ctx.clock.now())
  if (problem === 'expired') return xmlError('ExpiredToken', EXPIRED_TOKEN_MESSAGE, 403)
  if (problem === 'invalid') return xmlError('InvalidClientTokenId', INVALID_TOKEN_MESSAGE, 403)
  if (action === 'AssumeRole') return assumeRole(ctx, form)
  if (action === 'GetCallerIdentity') return callerIdentity(ctx)
  return xmlError('InvalidAction', `The fake does not implement ${action}`)
}

// --- Internal ---

function assumeRole(ctx: StsContext, form: URLSearchParams): FakeResponse {
  const roleArn = form.get('RoleArn') ?? ''
  const roleSessionName = form.get('RoleSessionName') ?? ''
  const durationSeconds = Number(form.get('DurationSeconds') ?? 3600)
  const policy = form.get('Policy') ?? undefined
  const problem = assumeRoleProblem(ctx, roleArn, roleSessionName, durationSeconds, policy)
  if (problem !== undefined) return problem
  const created = ctx.iamRoles.roleByArn(roleArn)
  const caller =
    ctx.session === undefined ? [callerArn(undefined, ctx.accountId)] : [ctx.session.roleArn]
  // A role IAM deleted cannot be assumed: STS refuses it as it refuses one whose trust policy
  // does not name the caller, without saying that the role does not exist.
  const gone = created === undefined && ctx.iamRoles.wasDeleted(roleArn)
  if (
    gone ||
    (created !== undefined &&
      !trustPolicyAllows(created.assumeRolePolicyDocument, caller, ctx.accountId))
  ) {
    return xmlError(
      'AccessDenied',
      `User: ${callerArn(ctx.session, ctx.accountId)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    )
  }
  const refusal = ctx.iam.refusal(ctx.session, 'sts:AssumeRole', roleArn)
  if (refusal !== undefined) {
    return xmlError(
      'AccessDenied',
      `User: ${callerArn(ctx.session, ctx.accountId)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn} because no ${refusal} policy allows the sts:AssumeRole action`,
      403,
    )
  }
  const expiration = new Date(ctx.clock.now() + durationSeconds * 1000)
  const session = ctx.sessions.issue({
    roleArn,
    roleId: created?.roleId,
    roleSessionName,
    policy,
    expiration,
  })
  ctx.assumed.push({
    roleArn,
    roleSessionName,
    durationSeconds,
    policy,
    accessKeyId: session.accessKeyId,
    expiration,
  })
  const credentials =
    `<Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId>` +
    `<SecretAccessKey>${escapeXml(session.secretAccessKey)}</SecretAccessKey>` +
    `<SessionToken>${escapeXml(session.sessionToken)}</SessionToken>` +
    `<Expiration>${expiration.toISOString()}</Expiration></Credentials>`
  const user =
    `<AssumedRoleUser><Arn>${escapeXml(assumedRoleArn(session))}</Arn>` +
    `<AssumedRoleId>AROAFAKE:${escapeXml(roleSessionName)}</AssumedRoleId></AssumedRoleUser>`
  const packed =
    policy === undefined ? '' : `<PackedPolicySize>${packedPercent(policy)}</PackedPolicySize>`
  return xmlOk('AssumeRole', credentials + user + packed)
}

function assumeRoleProblem(
  ctx: StsContext,
  roleArn: string,
  roleSessionName: string,
  durationSeconds: number,
  policy: string | undefined,
): FakeResponse | undefined {
  if (!ROLE_ARN.test(roleArn)) return xmlError('ValidationError', `Invalid RoleArn: ${roleArn}`)
  if (!SESSION_NAME.test(roleSessionName)) {
    return xmlError('ValidationError', 'RoleSessionName must match [\\w+=,.@-]{2,64}')
  }
  const max =
    ctx.iamRoles.roleByArn(roleArn)?.maxSessionDuration ??
    ctx.roles[roleArn]?.maxSessionDurationSeconds ??
    ONE_HOUR
  // The parameter's own constraints come first, as STS states them, before any role is read: a
  // role never allows more than 12 h (IAM caps MaxSessionDuration there), so nothing above passes.
  if (!Number.isInteger(durationSeconds)) {
    return xmlError('ValidationError', 'DurationSeconds must be a whole number of seconds')
  }
  if (durationSeconds < MIN_DURATION || durationSeconds > MAX_DURATION) {
    const bound =
      durationSeconds < MIN_DURATION
        ? `greater than or equal to ${MIN_DURATION}`
        : `less than or equal to ${MAX_DURATION}`
    return xmlError(
      'ValidationError',
      `1 validation error detected: Value '${durationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value ${bound}`,
    )
  }
  // A session assuming a role (role chaining) gets one hour at most, whatever the role allows.
  if (ctx.session !== undefined && durationSeconds > ONE_HOUR) {
    return xmlError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    )
  }
  if (durationSeconds > max) {
    return xmlError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    )
  }
  return policy === undefined ? undefined : sessionPolicyProblem(policy)
}

/**
 * STS's checks of an inline session policy, in the order its API reference gives them: the
 * parameter's own constraints first (1 to 2048 characters, each a tab, line feed, carriage return
 * or a character from space to U+00FF), refused as `ValidationError` before the document is read;
 * then the document, which must be an identity policy as IAM's grammar has it (no `Principal`,
 * every statement with `Effect`, `Action` and `Resource`), else `MalformedPolicyDocument`.
 */
function sessionPolicyProblem(policy: string): FakeResponse | undefined {
  if (policy.length < 1 || policy.length > MAX_PACKED_POLICY) {
    return xmlError(
      'ValidationError',
      `1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must have length between 1 and ${MAX_PACKED_POLICY}`,
    )
  }
  if (!SESSION_POLICY_CHARACTERS.test(policy)) {
    return xmlError(
      'ValidationError',
      "1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
    )
  }
  const problem = grammarProblem(policy, 'identity')
  return problem === undefined ? undefined : xmlError('MalformedPolicyDocument', problem)
}

function callerIdentity(ctx: StsContext): FakeResponse {
  const arn = callerArn(ctx.session, ctx.accountId)
  const account = ctx.session === undefined ? ctx.accountId : (arn.split(':')[4] ?? ctx.accountId)
  return xmlOk(
    'GetCallerIdentity',
    `<Arn>${escapeXml(arn)}</Arn><UserId>AIDAFAKECALLER</UserId><Account>${account}</Account>`,
  )
}

function packedPercent(policy: string): number {
  return Math.ceil((policy.length / MAX_PACKED_POLICY) * 100)
}
