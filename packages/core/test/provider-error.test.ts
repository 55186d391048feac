import { describe, expect, it } from 'vitest'
import { ArtifactRegistryError } from '../src/errors.js'
import { providerError } from '../src/provider-error.js'

describe('providerError', () => {
  it('names the platform and tags the message with the reporting package', () => {
    const err = providerError('aws', 'NOT_FOUND', 'Repository "acme-x" not found')
    expect(err).toBeInstanceOf(ArtifactRegistryError)
    expect(err.code).toBe('NOT_FOUND')
    expect(err.platform).toBe('aws')
    expect(err.message).toBe('[provider-aws] Repository "acme-x" not found')
  })

  it('tags core errors [core]', () => {
    const err = providerError('core', 'INVALID_ARGUMENT', 'bad')
    expect(err.platform).toBe('core')
    expect(err.message).toBe('[core] bad')
  })

  it('keeps cause, retryable and issues, and the platform cannot be overridden', () => {
    const cause = new Error('socket hang up')
    const issues = [{ path: 'region', message: 'must be an AWS region' }]
    const err = providerError('gcp', 'UNAVAILABLE', 'down', {
      cause,
      retryable: false,
      issues,
      platform: 'aws',
    } as never)
    expect(err.cause).toBe(cause)
    expect(err.retryable).toBe(false)
    expect(err.issues).toEqual(issues)
    expect(err.platform).toBe('gcp')
  })

  it('defaults retryable by code', () => {
    expect(providerError('azure', 'RATE_LIMITED', 'slow down').retryable).toBe(true)
    expect(providerError('azure', 'CONFLICT', 'lost').retryable).toBe(false)
  })
})
