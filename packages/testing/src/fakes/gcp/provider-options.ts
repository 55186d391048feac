import { UserRefreshClient } from 'google-auth-library'
import type { OAuthCaller } from './oauth-token.js'

/** What {@link GcpFake.providerOptions} returns: the `gcp()` options that reach the fake. */
export interface GcpFakeProviderOptions {
  /**
   * An authorized user's credentials (the kind `gcloud auth application-default login` writes)
   * whose token endpoint is the fake's `POST /token`: access tokens come from the fake, and
   * Application Default Credentials (files, the metadata server) are never looked for.
   */
  authClient: UserRefreshClient
  /** The Artifact Registry API: the fake's host, port and scheme. */
  clientOptions: { apiEndpoint: string; port: number; protocol: 'http' | 'https' }
  /** The IAM Credentials API (`generateAccessToken`). */
  iamCredentialsEndpoint: string
  /** The fake's data plane, in place of `https://{location}-docker.pkg.dev`. */
  registryEndpoint: string
}

/**
 * @internal The options of `gcp()` for a fake at `url`, with its data plane at `registryUrl`,
 * that knows `caller`.
 */
export function gcpProviderOptions(
  url: string,
  registryUrl: string,
  caller: OAuthCaller,
): GcpFakeProviderOptions {
  const { hostname, port, protocol } = new URL(url)
  return {
    authClient: new UserRefreshClient({
      clientId: caller.clientId,
      clientSecret: caller.clientSecret,
      refreshToken: caller.refreshToken,
      endpoints: { oauth2TokenUrl: `${url}/token` },
    }),
    clientOptions: {
      apiEndpoint: hostname,
      port: Number(port),
      protocol: protocol === 'https:' ? 'https' : 'http',
    },
    iamCredentialsEndpoint: url,
    registryEndpoint: registryUrl,
  }
}
