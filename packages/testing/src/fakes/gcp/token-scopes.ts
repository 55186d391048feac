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

// --- Internal ---

const AUTH = 'https://www.googleapis.com/auth'
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
