import type { AuthClient } from 'google-auth-library'
import { mapError, platformError } from './map-error.js'

/** The OAuth scope of the provider's own identity and of `push-pull` credentials. */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform'

/**
 * The OAuth scope of `pull` credentials. A token's scopes limit it whatever its account's roles:
 * with a read-only scope Artifact Registry lets it download and nothing more. So a pull credential
 * cannot push or delete even when its account holds more than `roles/artifactregistry.reader`
 * (a project-wide role such as Editor, or a grant made by hand), and it reads no more than its
 * account may read anywhere else in Google Cloud.
 */
export const READ_ONLY_SCOPE = 'https://www.googleapis.com/auth/cloud-platform.read-only'

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
  /** The one OAuth scope the token gets: what limits it whatever the account's roles. */
  readonly scope: string
  /** Already validated and capped to 3600. */
  readonly lifetimeSeconds: number
}

/**
 * @internal Mint an access token for a service account with IAM Credentials
 * `generateAccessToken`, asking for the one OAuth scope of the request. Called directly over REST
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
        scope: [request.scope],
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
