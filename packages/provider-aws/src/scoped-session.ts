import { AssumeRoleCommand } from '@aws-sdk/client-sts'
import type { SessionCredentials } from './clients.js'
import type { AwsContext } from './context.js'
import { awsErrorName, mapError, platformError } from './map-error.js'

/** STS's ceiling for roles with the default `MaxSessionDuration` and for role chaining. */
export const ONE_HOUR = 3600

/** What to ask STS for. */
export interface ScopedSessionRequest {
  readonly roleArn: string
  readonly sessionName: string
  /** The inline session policy (JSON). */
  readonly policy: string
  /** Already clamped to STS's 900 s – 12 h. */
  readonly durationSeconds: number
}

/**
 * `sts:AssumeRole` with an inline session policy, for as long as asked or as long as the role
 * allows, whichever is shorter. STS refuses a `DurationSeconds` above the role's
 * `MaxSessionDuration` without saying what that is, so the longest accepted length is found by
 * halving the range between one hour and the refused length, to the whole minute (at most ten
 * more calls), and remembered for the role for an hour. Role chaining (the base identity is
 * itself a role session) is capped at one hour, which STS says, so that is asked at once, and
 * remembered for the caller (every role) for an hour. The
 * session's own `Expiration` is what the caller reports.
 *
 * @throws ArtifactRegistryError mapped from STS when even one hour is refused, or on any other
 *   failure.
 */
export async function assumeScopedRole(
  ctx: AwsContext,
  request: ScopedSessionRequest,
): Promise<SessionCredentials> {
  const ceiling = ctx.sessionCeilings.get(request.roleArn)
  const first = Math.min(request.durationSeconds, ceiling ?? request.durationSeconds)
  try {
    return await assumeRole(ctx, { ...request, durationSeconds: first })
  } catch (err) {
    if (first <= ONE_HOUR || !isDurationRefusal(err)) throw mapError(err, CONTEXT)
    if (isRoleChainingRefusal(err)) {
      // The caller's hour, for every role it assumes.
      ctx.sessionCeilings.setForCaller(ONE_HOUR)
      return assumeMapped(ctx, request, ONE_HOUR)
    }
    const longest = await longestBelow(ctx, request, first)
    ctx.sessionCeilings.set(request.roleArn, longest.seconds)
    return longest.session
  }
}

// --- Internal ---

const CONTEXT = { operation: 'AssumeRole' }

/**
 * The longest session, in whole minutes from one hour up to just below `refusedSeconds`, that STS
 * grants: a binary search in which every accepted length raises the floor and every refused one
 * lowers the ceiling. Sessions granted on the way are simply not used.
 */
async function longestBelow(
  ctx: AwsContext,
  request: ScopedSessionRequest,
  refusedSeconds: number,
): Promise<{ seconds: number; session: SessionCredentials }> {
  let low = ONE_HOUR / 60
  let high = Math.floor((refusedSeconds - 1) / 60)
  let best: { seconds: number; session: SessionCredentials } | undefined
  let refusal: unknown
  while (low <= high) {
    const minutes = Math.ceil((low + high) / 2)
    try {
      const session = await assumeRole(ctx, { ...request, durationSeconds: minutes * 60 })
      best = { seconds: minutes * 60, session }
      low = minutes + 1
    } catch (err) {
      if (!isDurationRefusal(err)) throw mapError(err, CONTEXT)
      refusal = err
      high = minutes - 1
    }
  }
  if (best === undefined) throw mapError(refusal, CONTEXT)
  return best
}

async function assumeMapped(
  ctx: AwsContext,
  request: ScopedSessionRequest,
  durationSeconds: number,
): Promise<SessionCredentials> {
  try {
    return await assumeRole(ctx, { ...request, durationSeconds })
  } catch (err) {
    throw mapError(err, CONTEXT)
  }
}

async function assumeRole(
  ctx: AwsContext,
  request: ScopedSessionRequest,
): Promise<SessionCredentials> {
  const out = await ctx.clients.sts().send(
    new AssumeRoleCommand({
      RoleArn: request.roleArn,
      RoleSessionName: request.sessionName,
      DurationSeconds: request.durationSeconds,
      Policy: request.policy,
    }),
  )
  const c = out.Credentials
  if (
    c?.AccessKeyId === undefined ||
    c.SecretAccessKey === undefined ||
    c.SessionToken === undefined ||
    !(c.Expiration instanceof Date) ||
    !(c.Expiration.getTime() > 0)
  ) {
    throw platformError('INTERNAL', 'AssumeRole returned incomplete credentials')
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  }
}

function isDurationRefusal(err: unknown): boolean {
  return awsErrorName(err) === 'ValidationError' && /DurationSeconds/i.test(messageOf(err))
}

/** STS's refusal of more than an hour to a role session: no role setting can change it. */
function isRoleChainingRefusal(err: unknown): boolean {
  return /role chaining/i.test(messageOf(err))
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : ''
}
