import { ArtifactRegistryError } from '@artifact-registry/core'
import { acrError, armError } from '@artifact-registry/testing/fakes/azure'
import { describe, expect, it } from 'vitest'
import { mapError, retryAfterMs } from '../src/map-error.js'
import { fakeProvider, startStrictAzureFake } from './fixtures.js'

/** The shape of the SDK's RestError, as thrown by ARM calls. */
function restError(
  statusCode: number | undefined,
  code?: string,
  headers: Record<string, string> = {},
) {
  return Object.assign(new Error(`ARM said ${code ?? 'nothing'}`), {
    name: 'RestError',
    statusCode,
    code,
    response: { headers: { get: (n: string) => headers[n] } },
  })
}

describe('mapError', () => {
  it.each([
    [400, 'INVALID_ARGUMENT'],
    [401, 'UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [409, 'CONFLICT'],
    [429, 'RATE_LIMITED'],
    [500, 'UNAVAILABLE'],
    [502, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
  ])('keeps the class of HTTP %i as %s, with the cause', (status, code) => {
    const cause = restError(status, 'SomeCode')
    const mapped = mapError(cause, { operation: 'read scope map', resource: 'x' })
    expect(mapped).toBeInstanceOf(ArtifactRegistryError)
    expect(mapped).toMatchObject({ code, platform: 'azure', cause })
    expect(mapped.message).toMatch(/^\[provider-azure\] read scope map "x" failed: HTTP \d+/)
    expect(mapped.retryable).toBe(code === 'RATE_LIMITED' || code === 'UNAVAILABLE')
  })

  it('maps @azure/identity failures to UNAUTHENTICATED, but keeps throttling and outages', () => {
    const auth = Object.assign(new Error('AADSTS7000215'), {
      name: 'AuthenticationError',
      statusCode: 400,
    })
    expect(mapError(auth, { operation: 'token' }).code).toBe('UNAUTHENTICATED')
    const unavailable = Object.assign(new Error('no credential'), {
      name: 'CredentialUnavailableError',
    })
    expect(mapError(unavailable, { operation: 'token' }).code).toBe('UNAUTHENTICATED')
    const throttled = Object.assign(new Error('slow down'), {
      name: 'AuthenticationError',
      statusCode: 429,
    })
    expect(mapError(throttled, { operation: 'token' }).code).toBe('RATE_LIMITED')
  })

  it.each([
    ['InternalServerError', 'UNAVAILABLE'],
    ['Conflict', 'CONFLICT'],
    ['AuthorizationFailed', 'PERMISSION_DENIED'],
    ['ResourceNotFound', 'NOT_FOUND'],
    ['SomethingElse', 'INTERNAL'],
  ])('maps a failed long-running operation with ARM code %s to %s', (armCode, code) => {
    const failed = new Error(`The long-running operation has failed. ${armCode}. it broke`)
    expect(mapError(failed, { operation: 'create scope map' }).code).toBe(code)
  })

  it('maps network failures to UNAVAILABLE and timeouts to TIMEOUT', () => {
    expect(
      mapError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), { operation: 'x' })
        .code,
    ).toBe('UNAVAILABLE')
    expect(mapError(restError(undefined, 'REQUEST_SEND_ERROR'), { operation: 'x' }).code).toBe(
      'UNAVAILABLE',
    )
    const timeout = Object.assign(new Error('timed out'), { name: 'TimeoutError' })
    expect(mapError(timeout, { operation: 'x' }).code).toBe('TIMEOUT')
    expect(mapError('what', { operation: 'x' }).code).toBe('INTERNAL')
  })

  it('passes ArtifactRegistryErrors through unchanged', () => {
    const err = new ArtifactRegistryError('NOT_FOUND', 'gone', { platform: 'azure' })
    expect(mapError(err, { operation: 'x' })).toBe(err)
  })

  it('reads Retry-After in seconds, as a date, and the Azure ms headers', () => {
    const now = Date.UTC(2030, 0, 1)
    expect(retryAfterMs(restError(429, 'x', { 'retry-after': '7' }), now)).toBe(7000)
    expect(
      retryAfterMs(restError(429, 'x', { 'retry-after': new Date(now + 3000).toUTCString() }), now),
    ).toBe(3000)
    expect(
      retryAfterMs(restError(429, 'x', { 'retry-after-ms': '250', 'retry-after': '9' }), now),
    ).toBe(250)
    expect(retryAfterMs({ status: 429, headers: { 'x-ms-retry-after-ms': '40' } }, now)).toBe(40)
    expect(retryAfterMs(restError(429, 'x'), now)).toBeUndefined()
  })
})

describe('status classes through the real SDK and the fake', () => {
  /** An HTTP status of each class ARM and ACR answer with, and the code it becomes. */
  const STATUS_CLASSES: [number, string][] = [
    [401, 'UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [429, 'RATE_LIMITED'],
    [500, 'UNAVAILABLE'],
  ]

  it.each([...STATUS_CLASSES, [503, 'UNAVAILABLE']])(
    'ARM %i on a scope-map read → %s',
    async (status, code) => {
      await using fake = await startStrictAzureFake()
      const registry = await fakeProvider(fake, { maxRetries: 0 })
      const { name } = await registry.createRepository('app-one')
      fake.inject('scopeMaps.get', armError(status, 'Injected', 'injected failure'))
      await expect(registry.getRepository(name)).rejects.toMatchObject({ code, platform: 'azure' })
    },
  )

  it.each(STATUS_CLASSES)('ACR %i on /oauth2/token → %s', async (status, code) => {
    await using fake = await startStrictAzureFake()
    const registry = await fakeProvider(fake, { maxRetries: 0 })
    const { name } = await registry.createRepository('app-two')
    fake.inject('acr.token', acrError(status, 'INJECTED', 'injected failure'))
    await expect(registry.generateCredentials(name, 'pull')).rejects.toMatchObject({ code })
  })

  it('ACR 401 on /oauth2/exchange → UNAUTHENTICATED', async () => {
    await using fake = await startStrictAzureFake()
    const registry = await fakeProvider(fake, { maxRetries: 0 })
    const { name } = await registry.createRepository('app-three')
    fake.inject('acr.exchange', acrError(401, 'UNAUTHORIZED', 'no'))
    await expect(registry.generateCredentials(name, 'push-pull')).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    })
  })
})

describe('a failed read is never taken for "absent"', () => {
  it('createRepository does not write when the scope-map read fails with 500', async () => {
    await using fake = await startStrictAzureFake()
    const registry = await fakeProvider(fake, { maxRetries: 0 })
    fake.inject('scopeMaps.get', 'server-error')
    await expect(registry.createRepository('careful')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    })
    expect(fake.requestsFor('scopeMaps.create')).toHaveLength(0)
  })
})
