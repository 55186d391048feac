import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth'

/**
 * @internal `DefaultAzureCredential` from `@azure/identity` (environment, workload identity,
 * managed identity, Azure CLI, …; `AZURE_TOKEN_CREDENTIALS` narrows the chain), for callers that
 * have no credential object: a JSON binding, or provisioning run from the command line. It is
 * created on the first token request, so building a provider or validating options never probes
 * the environment or the instance metadata service.
 *
 * @param authorityHost Entra ID authority outside the public cloud; `undefined` for its default.
 */
export function lazyDefaultCredential(authorityHost: string | undefined): TokenCredential {
  let credential: Promise<TokenCredential> | undefined
  return {
    async getToken(
      scopes: string | string[],
      options?: GetTokenOptions,
    ): Promise<AccessToken | null> {
      credential ??= import('@azure/identity').then(
        ({ DefaultAzureCredential }) =>
          new DefaultAzureCredential(authorityHost === undefined ? {} : { authorityHost }),
      )
      return (await credential).getToken(scopes, options)
    },
  }
}
