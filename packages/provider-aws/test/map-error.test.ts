import { ArtifactRegistryError, type ErrorCode } from '@artifact-registry/core'
import { type AwsFaultKind, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { ECRServiceException } from '@aws-sdk/client-ecr'
import { STSServiceException } from '@aws-sdk/client-sts'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { mapError } from '../src/map-error.js'
import { provision } from '../src/provision/index.js'
import { providerFor, registryErrorOf, uniqueLogical } from './helpers.js'
import { provisionOptions } from './provision-helpers.js'

const fake = await startAwsFake()
afterAll(() => fake.close())
beforeEach(() => fake.reset())

/** Each fault the fake injects, the code it becomes and whether it is retryable: ECR and STS alike. */
const FAULTS: readonly [AwsFaultKind, ErrorCode, boolean][] = [
  ['throttling', 'RATE_LIMITED', true],
  ['server-error', 'UNAVAILABLE', true],
  ['unavailable', 'UNAVAILABLE', true],
  ['access-denied', 'PERMISSION_DENIED', false],
  ['unauthenticated', 'UNAUTHENTICATED', false],
]

describe('SDK errors through the real clients', () => {
  it.each(FAULTS)('ECR %s → %s (retryable: %s)', async (kind, code, retryable) => {
    const registry = await providerFor(fake)
    fake.inject('CreateRepository', kind)
    const error = await registryErrorOf(registry.createRepository(uniqueLogical('err')))
    expect(error).toMatchObject({ code, retryable, platform: 'aws' })
    expect(error.message).toMatch(
      /^\[provider-aws\] CreateRepository failed for repository "acme-err-/,
    )
    expect(error.cause).toBeInstanceOf(ECRServiceException)
    expect(error).not.toBeInstanceOf(ECRServiceException)
  })

  it.each(FAULTS)('STS %s → %s (retryable: %s)', async (kind, code, retryable) => {
    const registry = await providerFor(fake)
    const { name } = await registry.createRepository(uniqueLogical('err'))
    fake.inject('AssumeRole', kind)
    const error = await registryErrorOf(registry.generateCredentials(name, 'pull'))
    expect(error).toMatchObject({ code, retryable })
    expect(error.cause).toBeInstanceOf(STSServiceException)
  })

  it.each<[string, number, ErrorCode, boolean]>([
    ['InvalidParameterException', 400, 'INVALID_ARGUMENT', false],
    ['LimitExceededException', 400, 'RATE_LIMITED', false],
    ['KmsException', 400, 'PERMISSION_DENIED', false],
    ['UnrecognizedClientException', 400, 'UNAUTHENTICATED', false],
    ['ExpiredTokenException', 400, 'UNAUTHENTICATED', false],
    ['TooManyRequestsException', 400, 'RATE_LIMITED', true],
    ['SomethingNewException', 400, 'INTERNAL', false],
    ['SomethingNewException', 502, 'UNAVAILABLE', true],
  ])('ECR %s (HTTP %s) → %s', async (type, status, code, retryable) => {
    const registry = await providerFor(fake)
    fake.inject('CreateRepository', { status, body: { __type: type, message: 'nope' } })
    const error = await registryErrorOf(registry.createRepository(uniqueLogical('err')))
    expect(error).toMatchObject({ code, retryable })
  })

  it('RepositoryNotEmptyException → CONFLICT', async () => {
    const registry = await providerFor(fake)
    const { name } = await registry.createRepository(uniqueLogical('err'))
    fake.inject('DeleteRepository', {
      status: 400,
      body: { __type: 'com.amazonaws.ecr#RepositoryNotEmptyException', message: 'has images' },
    })
    expect(await registryErrorOf(registry.deleteRepository(name))).toMatchObject({
      code: 'CONFLICT',
    })
  })

  it.each<[string, number, ErrorCode]>([
    ['ExpiredToken', 400, 'UNAUTHENTICATED'],
    ['RegionDisabledException', 403, 'INVALID_CONFIG'],
    ['MalformedPolicyDocument', 400, 'INTERNAL'],
    ['PackedPolicyTooLarge', 400, 'INTERNAL'],
    ['InvalidClientTokenId', 403, 'UNAUTHENTICATED'],
  ])('STS %s → %s', async (codeName, status, code) => {
    const registry = await providerFor(fake)
    const { name } = await registry.createRepository(uniqueLogical('err'))
    const body =
      `<ErrorResponse><Error><Type>Sender</Type><Code>${codeName}</Code>` +
      '<Message>nope</Message></Error><RequestId>r</RequestId></ErrorResponse>'
    fake.inject('AssumeRole', { status, headers: { 'content-type': 'text/xml' }, body })
    expect(await registryErrorOf(registry.generateCredentials(name, 'pull'))).toMatchObject({
      code,
    })
  })

  // IAM answers a change that raced another change of the same role 409 ConcurrentModification
  // ("wait a few minutes and submit your request again"), and a bad value 400 InvalidInput: a
  // transient conflict and the caller's input, never a bug of ours (INTERNAL).
  it.each<[string, number, ErrorCode, boolean]>([
    ['ConcurrentModification', 409, 'CONFLICT', true],
    ['EntityTemporarilyUnmodifiable', 409, 'CONFLICT', true],
    ['InvalidInput', 400, 'INVALID_ARGUMENT', false],
    ['SomethingNew', 409, 'CONFLICT', false],
  ])('IAM %s (HTTP %s) → %s (retryable: %s)', async (codeName, status, code, retryable) => {
    await using iamFake = await startAwsFake()
    const body =
      `<ErrorResponse><Error><Type>Sender</Type><Code>${codeName}</Code>` +
      '<Message>nope</Message></Error><RequestId>r</RequestId></ErrorResponse>'
    iamFake.inject('CreateRole', { status, headers: { 'content-type': 'text/xml' }, body })
    expect(await registryErrorOf(provision(provisionOptions(iamFake)))).toMatchObject({
      code,
      retryable,
    })
  })

  it('a closed port is UNAVAILABLE and retryable', async () => {
    await using gone = await startAwsFake()
    const registry = await providerFor(gone, { accountId: '123456789012' })
    await gone.close()
    const error = await registryErrorOf(registry.getRepository('acme-x1'))
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true })
  })
})

describe('mapError', () => {
  it('passes our own errors through unchanged', () => {
    const ours = new ArtifactRegistryError('TIMEOUT', 'x', { platform: 'aws' })
    expect(mapError(ours, { operation: 'X' })).toBe(ours)
  })

  it('uses one NOT_FOUND message for repositories and keeps the cause', () => {
    const cause = Object.assign(new Error('gone'), { name: 'RepositoryNotFoundException' })
    const error = mapError(cause, { operation: 'DescribeRepositories', resource: 'acme-a' })
    expect(error).toMatchObject({
      code: 'NOT_FOUND',
      message: '[provider-aws] Repository "acme-a" not found',
    })
    expect(error.cause).toBe(cause)
  })

  it('maps network and timeout failures by their Node code', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    const timeout = Object.assign(new Error('timed out'), { name: 'TimeoutError' })
    expect(mapError(reset, { operation: 'X' })).toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
    })
    expect(mapError(timeout, { operation: 'X' })).toMatchObject({
      code: 'TIMEOUT',
      retryable: true,
    })
  })

  it('maps non-errors to INTERNAL', () => {
    expect(mapError('boom', { operation: 'X' })).toMatchObject({
      code: 'INTERNAL',
      retryable: false,
    })
  })
})
