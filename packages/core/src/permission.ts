import type { Permission } from './artifact-registry.js'
import { describeValue } from './describe-value.js'
import { invalidArgument } from './option-fields.js'

/**
 * Check the `permission` argument of `generateCredentials`, as every provider does before any
 * request, with one message for all of them.
 *
 * @throws ArtifactRegistryError `INVALID_ARGUMENT` unless `permission` is `"pull"` or `"push-pull"`.
 * @example
 * ```ts
 * checkPermission(permission, 'aws') // throws for 'Pull', 'push', 10n, null
 * ```
 */
export function checkPermission(
  permission: unknown,
  platform = 'core',
): asserts permission is Permission {
  if (permission === 'pull' || permission === 'push-pull') return
  // A short string (a mistyped level) is quoted; anything else is shown by its type, since
  // JSON.stringify and String() throw on some values (a bigint, an object without a prototype)
  // and the caller would get that TypeError instead of this error.
  const shown =
    typeof permission === 'string' && permission.length <= 20
      ? JSON.stringify(permission)
      : describeValue(permission)
  throw invalidArgument(platform, `Unknown permission ${shown}: use "pull" or "push-pull"`)
}
