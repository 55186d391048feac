import { describeValue } from './describe-value.js'
import { checkOptionFields, invalidArgument } from './option-fields.js'

/** How a platform treats the requested credential lifetime. */
export interface TtlRule {
  /** Lifetime used when the caller asks for none. */
  readonly defaultSeconds: number
  /** Shortest lifetime the platform issues; shorter requests are raised to it. */
  readonly minSeconds: number
  /** Longest lifetime the platform issues; longer requests are lowered to it. */
  readonly maxSeconds: number
  /**
   * `false` when the platform decides the lifetime on its own (ACR access tokens): the request is
   * validated but cannot change it, and `expiresAt` comes from the token.
   */
  readonly honoursRequest: boolean
}

/**
 * TTL rules per built-in platform.
 * - aws: STS AssumeRole sessions last 900 s to 12 h (1 h when role chaining); the ECR token 12 h.
 * - gcp: IAM Credentials `generateAccessToken` lifetime, at most 3600 s. IAM refuses a longer one
 *   (without an organisation policy exception), so the provider caps the request silently.
 * - azure: ACR decides the lifetime of its access tokens, which carry their own `exp` (Microsoft's
 *   published example lives 75 minutes, the default here); the request is validated but changes
 *   nothing, neither shorter nor longer. At most 3 h, the longest-lived ACR token Microsoft
 *   documents (those `az acr login` gets).
 * - azure-repository-token: the provider-azure mode that sets an ACR token password's `expiry` to
 *   exactly the requested lifetime. ACR documents no bounds for it; at least 60 s (the expiry is
 *   set by our clock and checked by ACR's, so a shorter one may be over before it is used), at
 *   most 7 days like local.
 * - local: exactly the requested lifetime, at most 7 days.
 */
export const TTL_RULES: Readonly<
  Record<'aws' | 'gcp' | 'azure' | 'azure-repository-token' | 'local', TtlRule>
> = {
  aws: { defaultSeconds: 3600, minSeconds: 900, maxSeconds: 43_200, honoursRequest: true },
  gcp: { defaultSeconds: 3600, minSeconds: 1, maxSeconds: 3600, honoursRequest: true },
  azure: { defaultSeconds: 4500, minSeconds: 1, maxSeconds: 10_800, honoursRequest: false },
  'azure-repository-token': {
    defaultSeconds: 3600,
    minSeconds: 60,
    maxSeconds: 7 * 24 * 3600,
    honoursRequest: true,
  },
  local: { defaultSeconds: 3600, minSeconds: 1, maxSeconds: 7 * 24 * 3600, honoursRequest: true },
}

/** The lifetime to request from the platform, and whether the caller's request was changed. */
export interface ResolvedTtl {
  readonly seconds: number
  readonly clamped: boolean
}

/**
 * Validate a requested TTL and clamp it to a platform's rule.
 *
 * @throws ArtifactRegistryError `INVALID_ARGUMENT` unless `requested` is undefined or a positive integer.
 * @example
 * ```ts
 * resolveTtl(TTL_RULES.gcp, 7200) // { seconds: 3600, clamped: true }
 * ```
 */
export function resolveTtl(rule: TtlRule, requested?: number, platform = 'core'): ResolvedTtl {
  if (requested === undefined) return { seconds: rule.defaultSeconds, clamped: false }
  // Any whole number, not only a safe one: 2^53 seconds is a request beyond the limit like any
  // other, to be clamped; refusing it would tell the caller it is not an integer. (Infinity and
  // NaN are no integers.)
  if (typeof requested !== 'number' || !Number.isInteger(requested) || requested <= 0) {
    throw invalidArgument(
      platform,
      `ttlSeconds must be a positive integer, got ${describeValue(requested)}`,
    )
  }
  const seconds = Math.min(rule.maxSeconds, Math.max(rule.minSeconds, requested))
  return { seconds, clamped: seconds !== requested }
}

/**
 * Validate the `options` argument of `generateCredentials` and resolve its TTL against a
 * platform's rule. Providers call this rather than {@link resolveTtl} so that a misplaced TTL
 * (`generateCredentials(name, 'pull', 60)`) or a misspelt field is refused instead of silently
 * giving the default lifetime.
 *
 * @throws ArtifactRegistryError `INVALID_ARGUMENT` unless `options` is undefined or an object
 *   whose only field is an undefined or positive integer `ttlSeconds`.
 * @example
 * ```ts
 * resolveCredentialTtl(TTL_RULES.aws, { ttlSeconds: 600 }, 'aws') // { seconds: 900, clamped: true }
 * resolveCredentialTtl(TTL_RULES.aws, 600, 'aws') // throws INVALID_ARGUMENT
 * ```
 */
export function resolveCredentialTtl(
  rule: TtlRule,
  options: unknown,
  platform = 'core',
): ResolvedTtl {
  if (options === undefined) return resolveTtl(rule, undefined, platform)
  checkOptionFields(options, ['ttlSeconds'], '{ ttlSeconds: 900 }', platform)
  return resolveTtl(rule, options.ttlSeconds as number | undefined, platform)
}
