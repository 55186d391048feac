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
 * `sts:AssumeRole` with an inline session policy. When STS refuses a duration above one hour
 * (the role's `MaxSessionDuration`, or role chaining), it is asked again for one hour: the
 * caller then gets the longest session the role allows, and `expiresAt` says so.
 */
export async function assumeScopedRole(
  ctx: AwsContext,
  request: ScopedSessionRequest,
): Promise<SessionCredentials> {
  try {
    return await assumeRole(ctx, request)
  } catch (err) {
    if (request.durationSeconds > ONE_HOUR && isDurationRefusal(err)) {
      try {
        return await assumeRole(ctx, { ...request, durationSeconds: ONE_HOUR })
      } catch (retryErr) {
        throw mapError(retryErr, { operation: 'AssumeRole' })
      }
    }
    throw mapError(err, { operation: 'AssumeRole' })
  }
}

// --- Internal ---

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
  const message = err instanceof Error ? err.message : ''
  return awsErrorName(err) === 'ValidationError' && /DurationSeconds/i.test(message)
}
