import type { ExpectStatic } from 'vitest'
import type { ContractTestFn, ContractTestRunner } from './types.js'

class Skipped extends Error {}

/**
 * Register a suite (or one group) with a runner of its own, run every test it registered one
 * after the other, and return the names (`group > test`) of those that failed; skipped tests do
 * not count. How a test shows that a change (a permission left out, a stricter fake) breaks the
 * suite. With `stopAtFirstFailure`, the run ends at the first failure, whose name is then the
 * only one returned: enough to show that a change breaks something, in a fraction of the time.
 *
 * @example
 * ```ts
 * const failed = await failingContractTests(expect, (test) =>
 *   artifactRegistryContractSuite({ test, factory, exclude: ['dataPlane'] }),
 * )
 * expect(failed).not.toEqual([])
 * ```
 */
export async function failingContractTests(
  expect: ExpectStatic,
  register: (test: ContractTestRunner) => void,
  options: { stopAtFirstFailure?: boolean } = {},
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
      if (err instanceof Skipped) continue
      failed.push(test.name)
      if (options.stopAtFirstFailure) break
    }
  }
  return failed
}
