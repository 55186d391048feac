/**
 * How the provider mints credentials:
 * - `aad-exchange`: the identity's Entra ID token is exchanged at the registry for an access token
 *   scoped to the repository. Azure RBAC decides what it may do; ACR decides how long it lives.
 * - `repository-token`: an ACR token bound to the repository's scope map, with a password that
 *   expires exactly at the requested TTL. The scope map decides what it may do.
 */
export type AzureCredentialsMode = 'aad-exchange' | 'repository-token'

/** Every {@link AzureCredentialsMode}, the default first. */
export const CREDENTIALS_MODES: readonly AzureCredentialsMode[] = [
  'aad-exchange',
  'repository-token',
]

/** Whether `value` is an {@link AzureCredentialsMode}. */
export function isCredentialsMode(value: unknown): value is AzureCredentialsMode {
  return (CREDENTIALS_MODES as readonly unknown[]).includes(value)
}
