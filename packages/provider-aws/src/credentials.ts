import {
  type ArtifactRegistryCredentials,
  checkPermission,
  type GenerateCredentialsOptions,
  type Permission,
  resolveCredentialTtl,
  TTL_RULES,
} from '@artifact-registry/core'
import {
  type AuthorizationData,
  type ECRClient,
  GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr'
import { endpointHost, registryHost, tokenRegistryHost } from './arn.js'
import type { AwsContext } from './context.js'
import { platformError, sdkCall } from './map-error.js'
import { PLATFORM } from './platform.js'
import { describeRepository } from './repository.js'
import { assumeScopedRole } from './scoped-session.js'
import { sessionPolicy } from './session-policy.js'

/**
 * Credentials for one repository and one permission level: assume the pull or push role with an
 * inline session policy limited to this repository's ARN, then get an ECR authorization token
 * with those session credentials. `expiresAt` is the earlier of the token's and the session's
 * expiry, because the token stops working when the session does; for unscoped credentials, the
 * session is the base identity's own when its credentials are temporary.
 *
 * @throws ArtifactRegistryError `INVALID_ARGUMENT` (permission, TTL), `NOT_FOUND`,
 *   `INVALID_CONFIG` when no role is configured and unscoped credentials are not allowed.
 */
export async function generateCredentials(
  ctx: AwsContext,
  name: string,
  permission: Permission,
  options: GenerateCredentialsOptions = {},
): Promise<ArtifactRegistryCredentials> {
  checkPermission(permission, PLATFORM)
  const ttl = resolveCredentialTtl(TTL_RULES.aws, options, PLATFORM)
  const roleArn = roleFor(ctx, permission)
  if (roleArn === undefined) refuseUnlessUnscopedAllowed(ctx, name, permission)
  const repository = await describeRepository(ctx, name)
  if (roleArn === undefined) {
    // Registry-wide: the token carries every permission of the base identity, and its session:
    // when the base credentials are temporary, the token stops working when they expire.
    const ecr = ctx.clients.ecr(ctx.options.region)
    // The expiry is read before the token is asked for: the SDK may renew credentials close to
    // their end at any use, and only ever for later ones, so the session read first ends no later
    // than the one that signs GetAuthorizationToken. Read after, it could be a renewed session's,
    // later than the end of the token's.
    const baseExpiry = await baseCredentialsExpiry(ecr)
    const data = await authorizationData(ecr, name)
    return toCredentials(ctx, data, baseExpiry)
  }
  const arn = repository.repositoryArn
  if (arn === undefined)
    throw platformError('INTERNAL', `DescribeRepositories gave no ARN for "${name}"`)
  const session = await assumeScopedRole(ctx, {
    roleArn,
    sessionName: sessionName(permission, name),
    policy: sessionPolicy(arn, permission),
    durationSeconds: ttl.seconds,
  })
  const data = await ctx.clients.withSessionEcr(ctx.options.region, session, (ecr) =>
    authorizationData(ecr, name),
  )
  return toCredentials(ctx, data, session.expiration)
}

/** The role for a permission: `pull` may use the push role, narrowed by the pull session policy. */
export function roleFor(
  ctx: Pick<AwsContext, 'options'>,
  permission: Permission,
): string | undefined {
  const { pullRoleArn, pushRoleArn } = ctx.options
  return permission === 'pull' ? (pullRoleArn ?? pushRoleArn) : pushRoleArn
}

// --- Internal ---

function refuseUnlessUnscopedAllowed(ctx: AwsContext, name: string, permission: Permission): void {
  if (!ctx.options.allowUnscopedCredentials) {
    const field = permission === 'pull' ? 'pullRoleArn (or pushRoleArn)' : 'pushRoleArn'
    throw platformError(
      'INVALID_CONFIG',
      `No ${field} is configured, so ${permission} credentials cannot be limited to repository "${name}". ` +
        'Configure the role, or set allowUnscopedCredentials: true to accept registry-wide credentials of the base identity.',
    )
  }
}

/** When the base identity's credentials expire (temporary ones), as the SDK resolved them. */
async function baseCredentialsExpiry(ecr: ECRClient): Promise<Date | undefined> {
  const credentials = await ecr.config.credentials()
  return credentials.expiration
}

async function authorizationData(ecr: ECRClient, name: string): Promise<AuthorizationData> {
  const out = await sdkCall({ operation: 'GetAuthorizationToken', resource: name }, () =>
    ecr.send(new GetAuthorizationTokenCommand({})),
  )
  const data = out.authorizationData?.[0]
  if (data?.authorizationToken === undefined) {
    throw platformError('UNAVAILABLE', 'GetAuthorizationToken returned no authorization data', {
      retryable: true,
    })
  }
  return data
}

function toCredentials(
  ctx: AwsContext,
  data: AuthorizationData,
  sessionExpiry: Date | undefined,
): ArtifactRegistryCredentials {
  const decoded = Buffer.from(data.authorizationToken ?? '', 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon <= 0 || colon === decoded.length - 1) {
    throw platformError('INTERNAL', 'The ECR authorization token is not "user:password"')
  }
  return {
    authMethod: 'basic',
    // A configured registry wins over the token's: it is where the user logs in.
    registry:
      endpointHost(ctx.options.registryEndpoint) ??
      tokenRegistryHost(data.proxyEndpoint, ctx.accountId) ??
      registryHost(ctx.accountId, ctx.options.region),
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    expiresAt: earliest(data.expiresAt, sessionExpiry),
  }
}

/** The earlier real date; missing, invalid and epoch-0 dates are ignored, never reported. */
function earliest(...dates: (Date | undefined)[]): Date | null {
  const real = dates.filter((d): d is Date => d instanceof Date && d.getTime() > 0)
  if (real.length === 0) return null
  return new Date(Math.min(...real.map((d) => d.getTime())))
}

/** `ar-{permission}-{name}` within STS's 64 characters of `[\w+=,.@-]`, for CloudTrail. */
function sessionName(permission: Permission, name: string): string {
  return `ar-${permission}-${name.replace(/[^\w+=,.@-]/g, '.')}`.slice(0, 64)
}
