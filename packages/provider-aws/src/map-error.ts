import type { ErrorCode, ErrorContext, ProviderErrorBuilder } from '@artifact-registry/core'
import { ArtifactRegistryError, providerError } from '@artifact-registry/core'
import { PLATFORM } from './platform.js'

/** An {@link ArtifactRegistryError} of this provider: platform `aws`, message prefixed `[provider-aws]`. */
export const platformError: ProviderErrorBuilder = (code, message, options) =>
  providerError(PLATFORM, code, message, options)

/** `NOT_FOUND` for a repository, in the one wording every method uses. */
export function repositoryNotFound(name: string, cause?: unknown): ArtifactRegistryError {
  return platformError('NOT_FOUND', `Repository "${name}" not found`, { cause })
}

/** The AWS error name (`RepositoryNotFoundException`, `Throttling`…), or `undefined`. */
export function awsErrorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const name = (err as { name?: unknown }).name
  return typeof name === 'string' ? name : undefined
}

/**
 * Map anything an SDK call threw to an {@link ArtifactRegistryError}, keeping it as `cause`.
 * `context.operation` is the AWS operation (`CreateRepository`), `context.resource` the routable
 * repository name when the call concerned one.
 * Errors that already are ours pass through. The AWS message is kept (it names actions and
 * ARNs, never secrets) so permission problems can be fixed from the message alone.
 */
export function mapError(err: unknown, context: ErrorContext): ArtifactRegistryError {
  if (err instanceof ArtifactRegistryError) return err
  const name = awsErrorName(err) ?? 'Error'
  const rule = ruleFor(name, err)
  if (
    rule.code === 'NOT_FOUND' &&
    context.resource !== undefined &&
    name.startsWith('Repository')
  ) {
    return repositoryNotFound(context.resource, err)
  }
  const about = context.resource === undefined ? '' : ` for repository "${context.resource}"`
  const detail = `${name}: ${shorten(messageOf(err))}`
  return platformError(rule.code, `${context.operation} failed${about}: ${detail}`, {
    cause: err,
    retryable: rule.retryable,
  })
}

/**
 * Run one SDK call and map whatever it throws.
 *
 * @example
 * ```ts
 * const out = await sdkCall({ operation: 'DescribeRepositories', resource: name }, () => ecr.send(cmd))
 * ```
 */
export async function sdkCall<T>(context: ErrorContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    throw mapError(err, context)
  }
}

// --- Internal ---

interface Rule {
  readonly code: ErrorCode
  readonly retryable: boolean
}

const rule = (code: ErrorCode, retryable = false): Rule => ({ code, retryable })

/** Modelled ECR, STS and IAM errors, and the generic AWS error codes every service may send. */
const BY_NAME: Readonly<Record<string, Rule>> = {
  RepositoryNotFoundException: rule('NOT_FOUND'),
  RepositoryPolicyNotFoundException: rule('NOT_FOUND'),
  RegistryPolicyNotFoundException: rule('NOT_FOUND'),
  RepositoryAlreadyExistsException: rule('ALREADY_EXISTS'),
  RepositoryNotEmptyException: rule('CONFLICT'),
  // IAM (provisioning): a role or inline policy that is missing, exists, or still has policies.
  NoSuchEntityException: rule('NOT_FOUND'),
  EntityAlreadyExistsException: rule('ALREADY_EXISTS'),
  DeleteConflictException: rule('CONFLICT'),
  // IAM: another change of the same role or policy was under way ("submit your request again"),
  // or the role is still being changed (a service-linked role's creation): a race, not our bug.
  ConcurrentModificationException: rule('CONFLICT', true),
  ConcurrentModification: rule('CONFLICT', true),
  EntityTemporarilyUnmodifiableException: rule('CONFLICT', true),
  EntityTemporarilyUnmodifiable: rule('CONFLICT', true),
  // IAM's invalid or out-of-range parameter value.
  InvalidInputException: rule('INVALID_ARGUMENT'),
  InvalidInput: rule('INVALID_ARGUMENT'),
  InvalidParameterException: rule('INVALID_ARGUMENT'),
  InvalidTagParameterException: rule('INVALID_ARGUMENT'),
  TooManyTagsException: rule('INVALID_ARGUMENT'),
  ValidationException: rule('INVALID_ARGUMENT'),
  ValidationError: rule('INVALID_ARGUMENT'),
  // A service quota (repositories per registry, replication rules): retrying does not help.
  LimitExceededException: rule('RATE_LIMITED', false),
  KmsException: rule('PERMISSION_DENIED'),
  // We write every session policy ourselves: STS refusing one is our bug, not the caller's.
  MalformedPolicyDocumentException: rule('INTERNAL'),
  MalformedPolicyDocument: rule('INTERNAL'),
  PackedPolicyTooLargeException: rule('INTERNAL'),
  PackedPolicyTooLarge: rule('INTERNAL'),
  RegionDisabledException: rule('INVALID_CONFIG'),
  RegionDisabled: rule('INVALID_CONFIG'),
  AccessDenied: rule('PERMISSION_DENIED'),
  AccessDeniedException: rule('PERMISSION_DENIED'),
  UnauthorizedOperation: rule('PERMISSION_DENIED'),
  InvalidClientTokenId: rule('UNAUTHENTICATED'),
  UnrecognizedClientException: rule('UNAUTHENTICATED'),
  SignatureDoesNotMatch: rule('UNAUTHENTICATED'),
  InvalidSignatureException: rule('UNAUTHENTICATED'),
  IncompleteSignature: rule('UNAUTHENTICATED'),
  MissingAuthenticationToken: rule('UNAUTHENTICATED'),
  MissingAuthenticationTokenException: rule('UNAUTHENTICATED'),
  ExpiredToken: rule('UNAUTHENTICATED'),
  ExpiredTokenException: rule('UNAUTHENTICATED'),
  CredentialsProviderError: rule('UNAUTHENTICATED'),
  TimeoutError: rule('TIMEOUT', true),
  RequestTimeout: rule('TIMEOUT', true),
  RequestTimeoutException: rule('TIMEOUT', true),
  ServerException: rule('UNAVAILABLE', true),
  InternalFailure: rule('UNAVAILABLE', true),
  InternalError: rule('UNAVAILABLE', true),
  ServiceUnavailable: rule('UNAVAILABLE', true),
  ServiceUnavailableException: rule('UNAVAILABLE', true),
}

/** Throttling codes as listed by the SDK's retry strategy (`@smithy/service-error-classification`). */
const THROTTLING = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
])

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'])

function ruleFor(name: string, err: unknown): Rule {
  if (THROTTLING.has(name)) return rule('RATE_LIMITED', true)
  const known = BY_NAME[name]
  if (known !== undefined) return known
  const status = statusOf(err)
  if (status === 429) return rule('RATE_LIMITED', true)
  if (status !== undefined && status >= 500) return rule('UNAVAILABLE', true)
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code === 'string' && code === 'ETIMEDOUT') return rule('TIMEOUT', true)
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return rule('UNAVAILABLE', true)
  if (status === 401) return rule('UNAUTHENTICATED')
  if (status === 403) return rule('PERMISSION_DENIED')
  // HTTP's "conflict with the current state of the resource", as every other provider reads it.
  if (status === 409) return rule('CONFLICT')
  return rule('INTERNAL')
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata
    ?.httpStatusCode
  return typeof status === 'number' ? status : undefined
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length > 400 ? `${oneLine.slice(0, 397)}...` : oneLine
}
