import type { FakeResponse } from '../fake-server.js'
import { googleError } from './responses.js'

/**
 * @internal Whether the OAuth scopes a token was minted with let it perform a registry action.
 * Access scopes limit a token whatever its holder's roles: Artifact Registry documents that a
 * token with only the read-only storage scope downloads artifacts and nothing more, and that an
 * upload needs a scope with write access, `devstorage.read_write`, `devstorage.full_control` or
 * `cloud-platform`. A token whose scopes reach neither Cloud Storage nor Google Cloud as a whole
 * (`userinfo.email` alone) does nothing on the registry.
 */
export function scopesAllow(scopes: readonly string[], action: string): boolean {
  const allowed = action === 'pull' ? READ_SCOPES : WRITE_SCOPES
  return scopes.some((scope) => allowed.has(scope))
}

/**
 * @internal Whether a token's OAuth scopes let it call a REST method of Artifact Registry or IAM.
 * Each method's reference lists the scopes it accepts: a method that only reads the registry
 * (`readsRegistry`: a get, a list, `getIamPolicy`) accepts `cloud-platform` or
 * `cloud-platform.read-only`; every other (a write, and the IAM and IAM Credentials methods)
 * `cloud-platform` alone. The storage scopes that let a token pull reach none of them.
 */
export function restScopesAllow(scopes: readonly string[], readsRegistry: boolean): boolean {
  return scopes.some(
    (scope) => scope === CLOUD_PLATFORM || (readsRegistry && scope === CLOUD_PLATFORM_READ_ONLY),
  )
}

/** @internal Google's answer to a call its token's scopes do not reach. */
export function insufficientScopes(): FakeResponse {
  return googleError('PERMISSION_DENIED', 'Request had insufficient authentication scopes.', [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
      domain: 'googleapis.com',
    },
  ])
}

// --- Internal ---

const AUTH = 'https://www.googleapis.com/auth'
const CLOUD_PLATFORM = `${AUTH}/cloud-platform`
const CLOUD_PLATFORM_READ_ONLY = `${AUTH}/cloud-platform.read-only`
// Pushes and deletes write to the repository.
const WRITE_SCOPES: ReadonlySet<string> = new Set([
  `${AUTH}/cloud-platform`,
  `${AUTH}/devstorage.read_write`,
  `${AUTH}/devstorage.full_control`,
])
const READ_SCOPES: ReadonlySet<string> = new Set([
  ...WRITE_SCOPES,
  `${AUTH}/cloud-platform.read-only`,
  `${AUTH}/devstorage.read_only`,
])
