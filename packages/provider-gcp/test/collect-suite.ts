import type { ContractTestFn, ContractTestRunner } from '@artifact-registry/testing'
import { expect } from 'vitest'

class Skipped extends Error {}

/**
 * Register a suite (or one group) with a runner of our own, run every test it registered, and
 * return the names of those that failed: how a test shows that a change breaks the suite.
 */
export async function failingTests(
  register: (test: ContractTestRunner) => void,
): Promise<string[]> {
  const tests: { name: string; fn: ContractTestFn }[] = []
  const path: string[] = []
  register({
    describe: (name, fn) => {
      path.push(name)
      fn()
      path.pop()
    },
    it: (name, fn) => tests.push({ name: [...path, name].join(' > '), fn }),
  })
  const failed: string[] = []
  for (const test of tests) {
    try {
      await test.fn({
        expect,
        skip: () => {
          throw new Skipped()
        },
      })
    } catch (err) {
      if (!(err instanceof Skipped)) failed.push(test.name)
    }
  }
  return failed
}
