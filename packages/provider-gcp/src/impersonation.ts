import type { AuthClient } from 'google-auth-library'
import { mapError, platformError } from './map-error.js'

/** The only OAuth scope requested, for the provider's identity and for impersonated tokens. */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform'

/** A short-lived access token of an impersonated service account. */
export interface ImpersonatedToken {
  readonly accessToken: string
  /** The platform's `expireTime`, never computed locally. */
  readonly expiresAt: Date
}

/** @internal What {@link impersonate} needs. */
export interface ImpersonationRequest {
  /** The caller's identity; it needs `iam.serviceAccounts.getAccessToken` on the target. */
  readonly source: Pick<AuthClient, 'request'>
  /** Base URL of the IAM Credentials API. */
  readonly endpoint: string
  readonly serviceAccount: string
  /** Already validated and capped to 3600. */
  readonly lifetimeSeconds: number
}

/**
 * @internal Mint an access token for a service account with IAM Credentials
 * `generateAccessToken`, asking only for the `cloud-platform` scope. Called directly over REST
 * (rather than through `Impersonated`) so that `expireTime` is read as the platform wrote it and
 * errors keep their Google status.
 */
export async function impersonate(request: ImpersonationRequest): Promise<ImpersonatedToken> {
  const email = request.serviceAccount
  const url = `${request.endpoint}/v1/projects/-/serviceAccounts/${encodeURIComponent(email)}:generateAccessToken`
  let data: unknown
  try {
    const response = await request.source.request<unknown>({
      url,
      method: 'POST',
      data: {
        scope: [CLOUD_PLATFORM_SCOPE],
        lifetime: `${request.lifetimeSeconds}s`,
        delegates: [],
      },
    })
    data = response.data
  } catch (err) {
    throw mapError(err, { operation: 'generateAccessToken', resource: email })
  }
  return parseToken(data, email)
}

// --- Internal ---

function parseToken(data: unknown, email: string): ImpersonatedToken {
  const { accessToken, expireTime } = (data ?? {}) as {
    accessToken?: unknown
    expireTime?: unknown
  }
  const expiresAt = typeof expireTime === 'string' ? new Date(expireTime) : undefined
  if (
    typeof accessToken !== 'string' ||
    accessToken === '' ||
    expiresAt === undefined ||
    Number.isNaN(expiresAt.getTime())
  ) {
    // The body holds a token: it must not be quoted in the message.
    throw platformError(
      'INTERNAL',
      `generateAccessToken for ${email} answered without accessToken and expireTime`,
    )
  }
  return { accessToken, expiresAt }
}
