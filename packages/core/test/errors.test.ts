import { describe, expect, it } from 'vitest'
import { ArtifactRegistryError, ErrorCode, isArtifactRegistryError } from '../src/errors.js'

describe('ArtifactRegistryError', () => {
  it('carries code, platform, retryable, cause and issues', () => {
    const cause = new Error('socket hang up')
    const err = new ArtifactRegistryError('UNAVAILABLE', '[provider-aws] ECR is unavailable', {
      platform: 'aws',
      cause,
    })
    expect(err).toBeInstanceOf(Error)
    expect(err.name).toBe('ArtifactRegistryError')
    expect(err.code).toBe('UNAVAILABLE')
    expect(err.platform).toBe('aws')
    expect(err.retryable).toBe(true)
    expect(err.cause).toBe(cause)
    expect(err.issues).toEqual([])
  })

  it('defaults retryable by code and lets the caller override it', () => {
    expect(new ArtifactRegistryError('NOT_FOUND', 'x').retryable).toBe(false)
    expect(new ArtifactRegistryError('RATE_LIMITED', 'x').retryable).toBe(true)
    expect(new ArtifactRegistryError('TIMEOUT', 'x').retryable).toBe(true)
    expect(new ArtifactRegistryError('UNAVAILABLE', 'x', { retryable: false }).retryable).toBe(
      false,
    )
    expect(new ArtifactRegistryError('INTERNAL', 'x').platform).toBe('core')
  })

  it('lists exactly the codes of docs/design.md#error-codes', () => {
    expect(Object.keys(ErrorCode).sort()).toEqual(
      [
        'NOT_FOUND',
        'ALREADY_EXISTS',
        'INVALID_NAME',
        'INVALID_ARGUMENT',
        'INVALID_CONFIG',
        'UNAUTHENTICATED',
        'PERMISSION_DENIED',
        'NOT_SUPPORTED',
        'CONFLICT',
        'RATE_LIMITED',
        'UNAVAILABLE',
        'TIMEOUT',
        'PROVIDER_NOT_INSTALLED',
        'INTERNAL',
      ].sort(),
    )
    for (const [key, value] of Object.entries(ErrorCode)) expect(value).toBe(key)
  })

  it('is recognised across duplicate copies of the package', async () => {
    const copy = (await import(
      /* @vite-ignore */ `../src/errors.js?copy=${Date.now()}`
    )) as typeof import('../src/errors.js')
    expect(copy.ArtifactRegistryError).not.toBe(ArtifactRegistryError)
    const foreign = new copy.ArtifactRegistryError('CONFLICT', 'stale etag')
    expect(foreign instanceof ArtifactRegistryError).toBe(true)
    expect(isArtifactRegistryError(foreign, 'CONFLICT')).toBe(true)
    expect(copy.isArtifactRegistryError(new ArtifactRegistryError('CONFLICT', 'x'))).toBe(true)
  })

  it('isArtifactRegistryError filters by code and rejects look-alikes', () => {
    const err = new ArtifactRegistryError('NOT_FOUND', 'missing')
    expect(isArtifactRegistryError(err)).toBe(true)
    expect(isArtifactRegistryError(err, 'NOT_FOUND')).toBe(true)
    expect(isArtifactRegistryError(err, 'CONFLICT')).toBe(false)
    const lookalike = Object.assign(new Error('x'), {
      name: 'ArtifactRegistryError',
      code: 'NOT_FOUND',
    })
    expect(isArtifactRegistryError(lookalike)).toBe(false)
    expect(isArtifactRegistryError(null)).toBe(false)
    expect(isArtifactRegistryError('NOT_FOUND')).toBe(false)
  })
})
