import { randomBytes } from 'node:crypto'
import {
  type ArtifactRegistry,
  type ErrorCode,
  isArtifactRegistryError,
} from '@artifact-registry/core'
import type {
  ContractSuiteOptions,
  ContractTestContext,
  ContractTestFn,
  DataPlaneOptions,
  GranteeOptions,
} from './types.js'

/** A test body that receives a fresh provider as well as the test context. */
export type RegistryTestFn<R extends ArtifactRegistry> = (
  registry: R,
  context: ContractTestContext,
) => Promise<void>

/** @internal Validate suite options up front, as a programmer error (TypeError). */
export function checkOptions<R extends ArtifactRegistry>(options: ContractSuiteOptions<R>): void {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object')
  if (typeof options.test?.describe !== 'function' || typeof options.test?.it !== 'function') {
    throw new TypeError('options.test must be { describe, it } from your test runner')
  }
  if (typeof options.factory !== 'function')
    throw new TypeError('options.factory must be a function')
  if (options.teardown !== undefined && typeof options.teardown !== 'function') {
    throw new TypeError('options.teardown must be a function')
  }
  if (options.otherBinding !== undefined && typeof options.otherBinding !== 'function') {
    throw new TypeError('options.otherBinding must be a function (registry) => provider')
  }
  if (options.dataPlane !== undefined) checkDataPlaneOptions(options.dataPlane)
  if (options.grantees !== undefined) checkGranteeOptions(options.grantees)
  const { timeoutMs } = options
  // A negative, zero or non-number timeout would fail every test at once, or never time out.
  if (
    timeoutMs !== undefined &&
    !(Number.isSafeInteger(timeoutMs) && timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS)
  ) {
    throw new TypeError(
      `options.timeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}, got ${String(timeoutMs)}`,
    )
  }
  // A misspelt option (`otherBindings`, `dataplane`) would silently skip the tests it enables.
  refuseUnknownOptions(options, KNOWN_OPTIONS, '')
}

/**
 * Throw a `TypeError` naming every key of `options` that `known` does not list, by its path under
 * the suite's options (`dataPlane.expireOvershotMs`), and what `path` takes.
 */
function refuseUnknownOptions(
  options: object,
  known: Readonly<Record<string, true>>,
  path: string,
): void {
  const unknown = Object.keys(options).filter((key) => !Object.hasOwn(known, key))
  if (unknown.length === 0) return
  const names = unknown.map((key) => JSON.stringify(path === '' ? key : `${path}.${key}`))
  const of = path === '' ? '' : ` of ${path}`
  throw new TypeError(
    `unknown option${unknown.length > 1 ? 's' : ''} ${names.join(', ')}: the options${of} are ${Object.keys(known).join(', ')}`,
  )
}

/** The longest delay a Node timer takes; a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647

/**
 * Every option of the suite. A `Record` over the options' keys, so an option added to
 * {@link ContractSuiteOptions} does not compile until it is listed here.
 */
const KNOWN_OPTIONS: Readonly<Record<keyof ContractSuiteOptions, true>> = {
  test: true,
  factory: true,
  teardown: true,
  exclude: true,
  dataPlane: true,
  otherBinding: true,
  grantees: true,
  timeoutMs: true,
}

/** Every field of {@link GranteeOptions}, checked against the interface by the compiler. */
const KNOWN_GRANTEE_OPTIONS: Readonly<Record<keyof GranteeOptions, true>> = {
  credentialsOf: true,
  propagationMs: true,
}

function checkGranteeOptions(grantees: unknown): void {
  if (typeof grantees !== 'object' || grantees === null)
    throw new TypeError('options.grantees must be an object with a credentialsOf function')
  refuseUnknownOptions(grantees, KNOWN_GRANTEE_OPTIONS, 'grantees')
  const { credentialsOf, propagationMs } = grantees as Record<string, unknown>
  if (typeof credentialsOf !== 'function')
    throw new TypeError(
      'options.grantees.credentialsOf must be a function (identity) => Promise<credentials>',
    )
  if (
    propagationMs !== undefined &&
    !(typeof propagationMs === 'number' && Number.isFinite(propagationMs) && propagationMs >= 0)
  )
    throw new TypeError('options.grantees.propagationMs must be a non-negative number')
}

/**
 * Every field of {@link DataPlaneOptions}, checked against the interface by the compiler: a
 * misspelt `expireOvershootMs` would leave a live lane's expiry test with the default margin.
 */
const KNOWN_DATA_PLANE_OPTIONS: Readonly<Record<keyof DataPlaneOptions, true>> = {
  expire: true,
  expireOvershootMs: true,
  tls: true,
  caCertificate: true,
}

function checkDataPlaneOptions(dataPlane: unknown): void {
  if (typeof dataPlane !== 'object' || dataPlane === null)
    throw new TypeError('options.dataPlane must be an object with an expire function')
  refuseUnknownOptions(dataPlane, KNOWN_DATA_PLANE_OPTIONS, 'dataPlane')
  const { expire, expireOvershootMs, tls, caCertificate } = dataPlane as Record<string, unknown>
  if (typeof expire !== 'function')
    throw new TypeError(
      'options.dataPlane.expire must be a function (credentials) => Promise<void>',
    )
  if (
    expireOvershootMs !== undefined &&
    (typeof expireOvershootMs !== 'number' ||
      !Number.isFinite(expireOvershootMs) ||
      expireOvershootMs < 0)
  )
    throw new TypeError('options.dataPlane.expireOvershootMs must be a non-negative number')
  if (tls !== undefined && typeof tls !== 'boolean')
    throw new TypeError('options.dataPlane.tls must be a boolean')
  if (caCertificate === undefined) return
  if (typeof caCertificate !== 'string' || !caCertificate.includes('-----BEGIN CERTIFICATE-----'))
    throw new TypeError('options.dataPlane.caCertificate must be a PEM certificate')
  // A CA only means something for HTTPS; with plain HTTP it would be silently ignored.
  if (tls === false)
    throw new TypeError(
      'options.dataPlane.caCertificate is for HTTPS; it cannot go with tls: false',
    )
}

/** @internal Register one test that gets a fresh provider and always disposes of it. */
export function registryTest<R extends ArtifactRegistry>(
  options: ContractSuiteOptions<R>,
  name: string,
  fn: RegistryTestFn<R>,
): void {
  const body: ContractTestFn = async (context) => {
    const registry = await options.factory()
    try {
      await fn(registry, context)
    } finally {
      await (options.teardown ? options.teardown(registry) : registry.close())
    }
  }
  options.test.it(name, body, options.timeoutMs ?? 30_000)
}

/** A repository name no other test (or earlier run) uses: `{prefix}-{8 hex}`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`
}

/** Await `promise`, expecting it to reject with an ArtifactRegistryError of `code`. */
export async function expectCode(
  context: ContractTestContext,
  promise: Promise<unknown>,
  code: ErrorCode,
): Promise<void> {
  let error: unknown
  try {
    await promise
  } catch (err) {
    error = err
  }
  context
    .expect(
      isArtifactRegistryError(error) ? error.code : describeOutcome(error),
      `expected an ArtifactRegistryError with code ${code}`,
    )
    .toBe(code)
}

function describeOutcome(error: unknown): string {
  if (error === undefined) return 'resolved without error'
  return `non-ArtifactRegistryError: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`
}
