import { describe, it } from 'vitest'
import { dockerRegistry, localRegistry, type RegistryTarget } from '../support/registry-targets.js'
import { requireTool } from '../support/tools.js'
import { blobScenarios } from './blob-scenarios.js'
import { listingScenarios } from './listing-scenarios.js'
import { manifestScenarios } from './manifest-scenarios.js'
import { compareRuns, type Observation, Probe } from './probe.js'
import type { Scenario } from './scenario.js'
import { uploadScenarios } from './upload-scenarios.js'

// Each scenario starts a fresh pair of registries (about 0.1 s for docker-registry).
const TIMEOUT = 60_000
const missing = requireTool('docker-registry')
const scenarios = [...blobScenarios, ...uploadScenarios, ...manifestScenarios, ...listingScenarios]

/**
 * The same HTTP request sequences against our server and Debian's docker-registry
 * (distribution 2.8.2): status, error codes, `Docker-Distribution-API-Version` and the headers
 * each step names must agree, except where a scenario declares a difference and its reason.
 */
describe.skipIf(missing)(
  `differential: local registry vs docker-registry ${missing ?? ''}`.trim(),
  () => {
    for (const scenario of scenarios) {
      it(
        scenario.name,
        async ({ expect }) => {
          const ours = await observe(localRegistry, scenario)
          const registry = await observe(dockerRegistry, scenario)
          // Prints both runs, to write a new scenario's expected differences from real answers.
          if (process.env.DIFFERENTIAL_DUMP) console.log(JSON.stringify({ ours, registry }))
          compareRuns(expect, ours, registry, scenario.differences)
        },
        TIMEOUT,
      )
    }
  },
)

/** Runs a scenario on a fresh registry; a step that cannot run ends it with an `error` entry. */
async function observe(target: RegistryTarget, scenario: Scenario): Promise<Observation[]> {
  await using registry = await target.start()
  const probe = new Probe(registry.url)
  try {
    await scenario.run(probe)
  } catch (error) {
    probe.abort('scenario aborted', error)
  }
  return probe.observations
}
