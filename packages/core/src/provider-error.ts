import {
  ArtifactRegistryError,
  type ArtifactRegistryErrorOptions,
  type ErrorCode,
} from './errors.js'

/** Options of {@link providerError}: those of the error, less `platform`, which it is given. */
export type ProviderErrorOptions = Omit<ArtifactRegistryErrorOptions, 'platform'>

/**
 * What a failed platform call was doing, for the message of the error it is mapped to. Every
 * provider's `mapError(err, context)` takes one.
 */
export interface ErrorContext {
  /** The call, in the platform's words: `CreateRepository`, `getIamPolicy`, `read scope map`. */
  readonly operation: string
  /** What it concerned, when it concerned one thing: a repository, an IAM resource, an account. */
  readonly resource?: string
}

/**
 * {@link providerError} with the platform filled in: the one error builder of a provider, which
 * each built-in provider exports from its map-error.ts as `platformError`.
 *
 * @example
 * ```ts
 * export const platformError: ProviderErrorBuilder = (code, message, options) =>
 *   providerError(PLATFORM, code, message, options)
 * ```
 */
export type ProviderErrorBuilder = (
  code: ErrorCode,
  message: string,
  options?: ProviderErrorOptions,
) => ArtifactRegistryError

/**
 * An {@link ArtifactRegistryError} raised on behalf of `platform`: `err.platform` is set, and the
 * message starts with the tag of the package that reports it (`[provider-aws]` for `aws`, `[core]`
 * for core itself), so a log line names its source without a stack trace. Every provider builds
 * its errors with it.
 *
 * @example
 * ```ts
 * throw providerError('acme', 'NOT_FOUND', `Repository "${name}" not found`, { cause: err })
 * // ArtifactRegistryError: [provider-acme] Repository "…" not found
 * ```
 */
export function providerError(
  platform: string,
  code: ErrorCode,
  message: string,
  options: ProviderErrorOptions = {},
): ArtifactRegistryError {
  return new ArtifactRegistryError(code, `${messagePrefix(platform)} ${message}`, {
    ...options,
    platform,
  })
}

// --- Internal ---

function messagePrefix(platform: string): string {
  return platform === 'core' ? '[core]' : `[provider-${platform}]`
}
