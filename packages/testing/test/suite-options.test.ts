import { describe, expect, it } from 'vitest'
import {
  artifactRegistryContractSuite,
  type ContractSuiteOptions,
  type ContractTestRunner,
  namingTests,
} from '../src/index.js'
import { reference } from './reference-provider.js'

/** Records the timeout each test is registered with; runs nothing. */
function recordingRunner(timeouts: (number | undefined)[]): ContractTestRunner {
  return { describe: (_, fn) => fn(), it: (_, __, timeout) => timeouts.push(timeout) }
}

const suiteWith = (extra: Record<string, unknown>) => () =>
  artifactRegistryContractSuite({
    test: recordingRunner([]),
    factory: () => reference(),
    ...extra,
  } as ContractSuiteOptions)

describe('the suite options', () => {
  it.each([-1, 0, 1.5, Number.NaN, '30000', 2 ** 31])(
    'a timeoutMs of %s is a TypeError, as the README says of invalid options',
    (timeoutMs) => {
      expect(suiteWith({ timeoutMs })).toThrow(TypeError)
      expect(suiteWith({ timeoutMs })).toThrow(/options\.timeoutMs must be a whole number/)
    },
  )

  it('an option it does not know is a TypeError naming it, also for a group function', () => {
    expect(suiteWith({ otherBindings: () => reference() })).toThrow(
      /^unknown option "otherBindings": the options are test, factory, .*otherBinding, grantees, timeoutMs$/,
    )
    expect(() =>
      namingTests({
        test: recordingRunner([]),
        factory: () => reference(),
        timeout: 5,
      } as ContractSuiteOptions),
    ).toThrow(TypeError)
  })

  it('registers every test with a valid timeoutMs', () => {
    const timeouts: (number | undefined)[] = []
    artifactRegistryContractSuite({
      test: recordingRunner(timeouts),
      factory: () => reference(),
      timeoutMs: 120_000,
    })
    expect(timeouts.length).toBeGreaterThan(0)
    expect(new Set(timeouts)).toEqual(new Set([120_000]))
  })
})
