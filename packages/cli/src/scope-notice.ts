import type { Capabilities } from '@artifact-registry/core'

// Commands name one repository, but some platforms keep a grant or a credential's reach on
// something that holds every repository of the binding (GAR's IAM lives on the GAR repository).
// `access add artifacts/customer-a` then let the account pull customer B's images too, while the
// command said "granted on artifacts/customer-a": the user must hear how far it reaches.

/**
 * The `note:` line for `access add|remove` when a grant is not the repository's alone
 * (`capabilities.repositoryScopedGrants` is false), or `undefined` when it is.
 */
export function grantScopeNotice(
  platform: string,
  capabilities: Pick<Capabilities, 'repositoryScopedGrants'>,
  name: string,
  verb: 'add' | 'remove',
): string | undefined {
  if (capabilities.repositoryScopedGrants) return undefined
  const reach =
    verb === 'add'
      ? `this grant lets the accounts pull from every repository of the binding, not ${name} alone`
      : `this revocation takes the grant away from every repository of the binding, not ${name} alone`
  return `note: ${platform} keeps cross-account grants for all of the binding's repositories at once (capabilities.repositoryScopedGrants is false): ${reach}`
}

/**
 * The `note:` line for `credentials` and `login` when credentials may reach more than the
 * repository they were minted for (`capabilities.repositoryScopedCredentials` is false), or
 * `undefined` when they cannot.
 */
export function credentialScopeNotice(
  platform: string,
  capabilities: Pick<Capabilities, 'repositoryScopedCredentials'>,
  name: string,
): string | undefined {
  if (capabilities.repositoryScopedCredentials) return undefined
  return `note: ${platform} credentials of this binding are not limited to one repository (capabilities.repositoryScopedCredentials is false): these may reach every repository the binding reaches, not ${name} alone`
}
