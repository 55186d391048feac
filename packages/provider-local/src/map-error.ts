import { ArtifactRegistryError, type ErrorCode } from '@artifact-registry/core'
import { PLATFORM } from './platform.js'

/** An HTTP answer of the registry that is not what the operation expected. */
export class RegistryHttpError extends Error {
  override readonly name = 'RegistryHttpError'
  readonly status: number
  readonly body: string

  constructor(status: number, body: string, what: string) {
    super(`${what} answered ${status}`)
    this.status = status
    this.body = body
  }
}

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'CONFLICT',
  413: 'INVALID_ARGUMENT',
  429: 'RATE_LIMITED',
}

/** Map anything a registry call threw to an ArtifactRegistryError (the one place that does it). */
export function mapError(err: unknown, what: string): ArtifactRegistryError {
  if (err instanceof ArtifactRegistryError) return err
  if (err instanceof RegistryHttpError) {
    const code = BY_STATUS[err.status] ?? (err.status >= 500 ? 'UNAVAILABLE' : 'INTERNAL')
    return new ArtifactRegistryError(
      code,
      `[provider-local] ${what}: the registry answered ${err.status}`,
      {
        platform: PLATFORM,
        cause: err,
      },
    )
  }
  // fetch failures: the registry is down or unreachable.
  const cause = (err as { cause?: { code?: string } } | undefined)?.cause
  if (err instanceof TypeError && cause?.code !== undefined) {
    return new ArtifactRegistryError(
      'UNAVAILABLE',
      `[provider-local] ${what}: cannot reach the registry (${cause.code})`,
      {
        platform: PLATFORM,
        cause: err,
      },
    )
  }
  return new ArtifactRegistryError('INTERNAL', `[provider-local] ${what} failed: ${String(err)}`, {
    platform: PLATFORM,
    cause: err,
  })
}
