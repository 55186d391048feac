import type { ArtifactRegistry } from '@artifact-registry/core'
import { checkOptions } from './context.js'
import { capabilityTests } from './suites/capabilities.js'
import { credentialTests } from './suites/credentials.js'
import { crossAccountTests } from './suites/cross-account.js'
import { dataPlaneTests } from './suites/data-plane.js'
import { lifecycleTests } from './suites/lifecycle.js'
import { listRepositoryTests } from './suites/list-repositories.js'
import { namingTests } from './suites/naming.js'
import type { ContractGroup, ContractSuiteOptions } from './types.js'

/** Every group of the suite, in the order it runs. */
export const CONTRACT_GROUPS: Readonly<
  Record<ContractGroup, <R extends ArtifactRegistry>(options: ContractSuiteOptions<R>) => void>
> = {
  capabilities: capabilityTests,
  lifecycle: lifecycleTests,
  naming: namingTests,
  credentials: credentialTests,
  crossAccount: crossAccountTests,
  dataPlane: dataPlaneTests,
  listRepositories: listRepositoryTests,
}

/**
 * Register the whole contract suite with your test runner. Groups are gated by the provider's
 * declared `capabilities`; `exclude` leaves groups out entirely.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest'
 * import { artifactRegistryContractSuite } from '@artifact-registry/testing'
 * import { local } from '@artifact-registry/provider-local'
 *
 * artifactRegistryContractSuite({ test: { describe, it }, factory: () => local() })
 * ```
 */
export function artifactRegistryContractSuite<R extends ArtifactRegistry>(
  options: ContractSuiteOptions<R>,
): void {
  checkOptions(options)
  const exclude = new Set(options.exclude ?? [])
  for (const group of exclude) {
    if (!Object.hasOwn(CONTRACT_GROUPS, group))
      throw new TypeError(`unknown contract group "${group}"`)
  }
  options.test.describe('ArtifactRegistry contract', () => {
    for (const [group, register] of Object.entries(CONTRACT_GROUPS)) {
      if (!exclude.has(group as ContractGroup)) register(options)
    }
  })
}
