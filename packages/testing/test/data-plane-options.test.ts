import { describe, expect, it } from 'vitest'
import {
  artifactRegistryContractSuite,
  type ContractTestRunner,
  type DataPlaneOptions,
  dataPlaneTests,
  type GranteeOptions,
} from '../src/index.js'
import { reference } from './reference-provider.js'

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
const expire = async (): Promise<void> => {}
/** Registers nothing: these tests are about the options, checked before any test exists. */
const runner: ContractTestRunner = { describe: () => undefined, it: () => undefined }

const withDataPlane = (dataPlane: unknown) => () =>
  artifactRegistryContractSuite({
    test: runner,
    factory: () => reference(),
    dataPlane: dataPlane as DataPlaneOptions,
  })

describe('the dataPlane option', () => {
  it.each([
    ['not an object', 'yes', /options\.dataPlane must be an object/],
    ['null', null, /options\.dataPlane must be an object/],
    ['without expire', { tls: false }, /options\.dataPlane\.expire must be a function/],
    ['with a string tls', { expire, tls: 'false' }, /options\.dataPlane\.tls must be a boolean/],
    ['with a CA that is not PEM', { expire, caCertificate: 'ca.pem' }, /must be a PEM certificate/],
    [
      'with a CA for plain HTTP',
      { expire, tls: false, caCertificate: PEM },
      /cannot go with tls: false/,
    ],
  ])('%s is a TypeError that names the field', (_, dataPlane, message) => {
    expect(withDataPlane(dataPlane)).toThrow(TypeError)
    expect(withDataPlane(dataPlane)).toThrow(message)
  })

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '30000'])(
    'expireOvershootMs %s is a TypeError that names the field',
    (expireOvershootMs) => {
      const dataPlane = { expire, expireOvershootMs }
      expect(withDataPlane(dataPlane)).toThrow(TypeError)
      expect(withDataPlane(dataPlane)).toThrow(
        /options\.dataPlane\.expireOvershootMs must be a non-negative number/,
      )
    },
  )

  it('a field it does not know is a TypeError naming it, instead of the default it would leave', () => {
    // Misspelt, a live lane's overshoot would be the default 1 s and its expiry test flaky.
    expect(withDataPlane({ expire, expireOvershotMs: 30_000 })).toThrow(
      new TypeError(
        'unknown option "dataPlane.expireOvershotMs": the options of dataPlane are expire, expireOvershootMs, tls, caCertificate',
      ),
    )
    expect(withDataPlane({ expire, tsl: false, ca: PEM })).toThrow(
      /^unknown options "dataPlane\.tsl", "dataPlane\.ca": /,
    )
  })

  it('is checked by the group function too, not only by the whole suite', () => {
    expect(() =>
      dataPlaneTests({
        test: runner,
        factory: () => reference(),
        dataPlane: {} as DataPlaneOptions,
      }),
    ).toThrow(TypeError)
  })

  it.each([
    ['absent', undefined],
    ['plain HTTP', { expire, tls: false }],
    ['HTTPS with a private CA', { expire, caCertificate: PEM }],
    ['HTTPS, publicly trusted', { expire, tls: true }],
    ['with an overshoot of expire', { expire, expireOvershootMs: 30_000 }],
  ])('%s is accepted', (_, dataPlane) => {
    expect(withDataPlane(dataPlane)).not.toThrow()
  })

  it('can be excluded as a group by name', () => {
    const names: string[] = []
    artifactRegistryContractSuite({
      test: { describe: (_, fn) => fn(), it: (name) => names.push(name) },
      factory: () => reference(),
      dataPlane: { expire },
      exclude: ['dataPlane'],
    })
    expect(names.length).toBeGreaterThan(0)
    expect(names.filter((name) => name.includes('data plane'))).toEqual([])
  })
})

const withGrantees = (grantees: unknown) => () =>
  artifactRegistryContractSuite({
    test: runner,
    factory: () => reference(),
    dataPlane: { expire, tls: false },
    grantees: grantees as GranteeOptions,
  })

describe('the grantees option', () => {
  const credentialsOf = async (): Promise<never> => {
    throw new Error('not called while the options are checked')
  }

  it.each([
    ['not an object', 'yes', /options\.grantees must be an object/],
    ['without credentialsOf', {}, /options\.grantees\.credentialsOf must be a function/],
    [
      'with a negative propagationMs',
      { credentialsOf, propagationMs: -1 },
      /options\.grantees\.propagationMs must be a non-negative number/,
    ],
    [
      'with a string propagationMs',
      { credentialsOf, propagationMs: '60000' },
      /options\.grantees\.propagationMs must be a non-negative number/,
    ],
    [
      'with a field it does not know',
      { credentialsOf, propagationMS: 60_000 },
      /unknown option "grantees\.propagationMS": the options of grantees are credentialsOf, propagationMs/,
    ],
  ])('%s is a TypeError that names the field', (_, grantees, message) => {
    expect(withGrantees(grantees)).toThrow(TypeError)
    expect(withGrantees(grantees)).toThrow(message)
  })

  it.each([
    ['absent', undefined],
    ['with credentialsOf', { credentialsOf }],
    ['with a propagation time', { credentialsOf, propagationMs: 420_000 }],
  ])('%s is accepted', (_, grantees) => {
    expect(withGrantees(grantees)).not.toThrow()
  })
})
