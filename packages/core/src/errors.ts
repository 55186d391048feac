/**
 * Stable error codes. Codes are API: they never change between majors; messages may.
 */
export const ErrorCode = {
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  INVALID_NAME: 'INVALID_NAME',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  INVALID_CONFIG: 'INVALID_CONFIG',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  UNAVAILABLE: 'UNAVAILABLE',
  TIMEOUT: 'TIMEOUT',
  PROVIDER_NOT_INSTALLED: 'PROVIDER_NOT_INSTALLED',
  INTERNAL: 'INTERNAL',
} as const

/** One of the stable error codes of {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/** Codes whose failures are worth retrying unless the caller says otherwise. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'RATE_LIMITED',
  'UNAVAILABLE',
  'TIMEOUT',
])

/** One invalid field of a configuration, named by its path (`aws.region`, `replicationRegions.1`). */
export interface ConfigIssue {
  /** Dotted path of the field, empty for the whole document. */
  readonly path: string
  /** What is wrong with it. */
  readonly message: string
}

/** Options of {@link ArtifactRegistryError}. */
export interface ArtifactRegistryErrorOptions {
  /** Platform id of the provider that raised the error, e.g. `"aws"`; `"core"` for core itself. */
  platform?: string
  /** Whether retrying the same call may succeed. Defaults by code (RATE_LIMITED, UNAVAILABLE, TIMEOUT). */
  retryable?: boolean
  /** The underlying error (an SDK error, a Node error); kept as the native `cause`. */
  cause?: unknown
  /** For INVALID_CONFIG: every invalid field. */
  issues?: readonly ConfigIssue[]
}

// A registered symbol is the same in every copy of this package, so the brand survives duplicates.
const BRAND = Symbol.for('@artifact-registry/core/ArtifactRegistryError')

/**
 * The one error class every provider throws. SDK errors never escape a provider: they are
 * mapped to a code and kept as `cause`.
 *
 * @example
 * ```ts
 * try { await registry.getRepository(name) }
 * catch (err) { if (isArtifactRegistryError(err, 'NOT_FOUND')) return null; throw err }
 * ```
 */
export class ArtifactRegistryError extends Error {
  override readonly name = 'ArtifactRegistryError'
  /** Stable machine-readable code. */
  readonly code: ErrorCode
  /** Platform id of the provider that raised it (`"core"` for core itself). */
  readonly platform: string
  /** Whether retrying the same call may succeed. */
  readonly retryable: boolean
  /** For INVALID_CONFIG: every invalid field, by path. Empty otherwise. */
  readonly issues: readonly ConfigIssue[]

  constructor(code: ErrorCode, message: string, options: ArtifactRegistryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.platform = options.platform ?? 'core'
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code)
    this.issues = options.issues ?? []
    Object.defineProperty(this, BRAND, { value: true })
  }

  /** `instanceof` works across duplicate copies of this package (brand check, not prototype). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    )
  }
}

/**
 * Whether `err` is an {@link ArtifactRegistryError} from any copy of this package, optionally
 * with the given code.
 */
export function isArtifactRegistryError(
  err: unknown,
  code?: ErrorCode,
): err is ArtifactRegistryError {
  return err instanceof ArtifactRegistryError && (code === undefined || err.code === code)
}
