import type { ContractTestFn, ContractTestRunner } from '@artifact-registry/testing'
import { expect } from 'vitest'

/** Thrown by a test's `skip()`: a skipped test has not failed. */
class SkippedTest extends Error {}

/**
 * Register the contract suite with a runner of our own and run its tests in order until one
 * fails: the name of that test, or `undefined` when every one passed (or skipped). How a test
 * shows that taking something away breaks the suite, without running the rest.
 */
export async function firstFailure(
  register: (test: ContractTestRunner) => void,
): Promise<string | undefined> {
  const registered: { name: string; run: ContractTestFn }[] = []
  const groups: string[] = []
  register({
    describe: (name, body) => {
      groups.push(name)
      body()
      groups.pop()
    },
    it: (name, run) => {
      registered.push({ name: [...groups, name].join(' > '), run })
    },
  })
  const skip = (): never => {
    throw new SkippedTest()
  }
  for (const { name, run } of registered) {
    const failed = await run({ expect, skip }).then(
      () => false,
      (err: unknown) => !(err instanceof SkippedTest),
    )
    if (failed) return name
  }
  return undefined
}
