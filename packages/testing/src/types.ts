import type { ArtifactRegistry } from '@artifact-registry/core'
import type { ExpectStatic } from 'vitest'

/** The part of a test context the suite uses: pass vitest's own, which has both. */
export interface ContractTestContext {
  /** The context-bound `expect` (safe with concurrent tests). */
  expect: ExpectStatic
  /** Marks the running test as skipped, with the reason. */
  skip: (note?: string) => void
}

/** A test body of the suite. */
export type ContractTestFn = (context: ContractTestContext) => Promise<void>

/** The runner functions the suite registers its tests with: pass vitest's `describe` and `it`. */
export interface ContractTestRunner {
  describe: (name: string, fn: () => void) => unknown
  it: (name: string, fn: ContractTestFn, timeout?: number) => unknown
}

/** The groups of the contract suite. */
export type ContractGroup = 'lifecycle' | 'naming' | 'credentials' | 'crossAccount' | 'capabilities'

/** Options of `artifactRegistryContractSuite` and of every group function. */
export interface ContractSuiteOptions<R extends ArtifactRegistry = ArtifactRegistry> {
  /** Your test runner's functions, e.g. `{ describe, it }` from vitest. */
  test: ContractTestRunner
  /** Returns a fresh, isolated provider; called once per test. */
  factory: () => R | Promise<R>
  /** Disposes a provider after each test. @default registry.close() */
  teardown?: (registry: R) => Promise<void>
  /**
   * Groups to leave out. An escape hatch: normal gating comes from the provider's declared
   * `capabilities`.
   */
  exclude?: readonly ContractGroup[]
  /** Timeout of each test in milliseconds. @default 30000 */
  timeoutMs?: number
}
