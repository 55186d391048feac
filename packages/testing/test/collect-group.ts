import { expect } from 'vitest'
import type { ContractTestFn, ContractTestRunner } from '../src/index.js'

/** How one collected test ended. */
export interface TestOutcome {
  name: string
  status: 'passed' | 'failed' | 'skipped'
  /** The skip reason, or the failure's message. */
  detail?: string
}

class Skipped extends Error {}

/**
 * Register a group with a runner of our own instead of vitest's, then run each test and report
 * how it ended: so a test can assert that a group fails, or skips, as it should.
 */
export async function runGroup(
  register: (test: ContractTestRunner) => void,
): Promise<TestOutcome[]> {
  const tests: { name: string; fn: ContractTestFn }[] = []
  register({
    describe: (_name, fn) => fn(),
    it: (name, fn) => tests.push({ name, fn }),
  })
  const outcomes: TestOutcome[] = []
  for (const { name, fn } of tests) {
    try {
      await fn({
        expect,
        skip: (note) => {
          throw new Skipped(note)
        },
      })
      outcomes.push({ name, status: 'passed' })
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error)
      outcomes.push({ name, status: error instanceof Skipped ? 'skipped' : 'failed', detail })
    }
  }
  return outcomes
}

/** The names of the tests that ended with `status`. */
export function named(outcomes: readonly TestOutcome[], status: TestOutcome['status']): string[] {
  return outcomes.filter((o) => o.status === status).map((o) => o.name)
}
