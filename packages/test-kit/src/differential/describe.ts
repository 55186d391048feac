import { join } from 'node:path'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { createFixtures } from './client/fixtures.js'
import { CLIENT_SCENARIOS } from './client/index.js'
import {
  type ClientScenario,
  type ClientTarget,
  declaredDifferences,
  expectationProblems,
  type Fixtures,
  observeClientScenario,
  type RepositoryMarker,
  type ScenarioState,
} from './client/scenario.js'
import { type Skopeo, sandboxedSkopeo } from './client/skopeo.js'
import { compareRuns } from './compare.js'
import type { Observation } from './observation.js'
import { Probe } from './probe.js'
import { PROTOCOL_SCENARIOS } from './protocol/index.js'
import type { ProtocolScenario } from './protocol/requests.js'
import { DifferentialReport } from './report.js'

/** One implementation the differential harness starts, by the name its column shows. */
export interface DifferentialTarget<T> {
  name: string
  start(): Promise<T>
}

/** Our registry (under test) and the reference its answers are compared with. */
export interface DifferentialPair<T> {
  ours: DifferentialTarget<T>
  reference: DifferentialTarget<T>
}

/** A registry a protocol scenario talks to: fresh, anonymous, disposed after the scenario. */
export interface RunningRegistry extends AsyncDisposable {
  /** `http://127.0.0.1:PORT` */
  url: string
}

/** Options of both runners. */
export interface DifferentialOptions {
  /** Per scenario, in ms. */
  timeout?: number
  /** Print the side-by-side table of every step once the scenarios have run. */
  printReport?: boolean
}

/**
 * Registers one vitest test per protocol scenario: each runs on a fresh `ours` and a fresh
 * `reference` registry, and the two runs must agree step by step except where the scenario
 * declares a difference and its reason. `DIFFERENTIAL_DUMP=1` prints both runs of each scenario,
 * to write a new scenario's declared differences from real answers.
 *
 * @example
 * ```ts
 * describeProtocolDifferential({
 *   ours: { name: 'local registry', start: () => startLocalRegistry() },
 *   reference: { name: 'docker-registry', start: () => startDockerRegistry() },
 * })
 * ```
 */
export function describeProtocolDifferential(
  targets: DifferentialPair<RunningRegistry>,
  options: DifferentialOptions & { scenarios?: readonly ProtocolScenario[] } = {},
): void {
  const { ours, reference } = targets
  const report = new DifferentialReport(ours.name, reference.name)
  describe(`protocol: ${ours.name} vs ${reference.name}`, () => {
    afterAll(() => printReport(report, options))
    for (const scenario of options.scenarios ?? PROTOCOL_SCENARIOS) {
      it(
        scenario.name,
        async ({ expect }) => {
          const mine = await observeProtocol(ours, scenario)
          const theirs = await observeProtocol(reference, scenario)
          if (process.env.DIFFERENTIAL_DUMP) {
            console.log(JSON.stringify({ ours: mine, reference: theirs }))
          }
          const comparison = compareRuns(mine, theirs, scenario.differences)
          report.add(scenario.name, comparison)
          expect(comparison.problems, 'answers that differ from the reference').toEqual([])
        },
        options.timeout,
      )
    }
  })
}

/**
 * Registers one vitest test per client scenario, in order: both targets are started once, each
 * scenario runs on the reference and then on ours (each target keeps its own state), both
 * outcomes must match the scenario's and be identical, and the details may differ only exactly
 * as the scenario declares. Needs skopeo.
 */
export function describeClientDifferential(
  targets: DifferentialPair<ClientTarget>,
  options: DifferentialOptions & {
    /** What the provider's `createRepository` leaves in a repository. */
    marker: RepositoryMarker
    scenarios?: readonly ClientScenario[]
  },
): void {
  const { ours, reference } = targets
  const report = new DifferentialReport(ours.name, reference.name)
  describe(`client: ${ours.name} vs ${reference.name}`, () => {
    let fixtures: (Fixtures & { remove(): Promise<void> }) | undefined
    let skopeo: Skopeo
    const running: { ours?: ClientTarget; reference?: ClientTarget } = {}
    const states = { ours: {} as ScenarioState, reference: {} as ScenarioState }
    beforeAll(async () => {
      fixtures = await createFixtures()
      skopeo = await sandboxedSkopeo(join(fixtures.work, 'skopeo'))
      running.reference = await reference.start()
      running.ours = await ours.start()
    })
    // Runs when a scenario failed too: containers and servers never outlive the suite.
    afterAll(async () => {
      await running.ours?.close()
      await running.reference?.close()
      await fixtures?.remove()
      printReport(report, options)
    })

    for (const scenario of options.scenarios ?? CLIENT_SCENARIOS) {
      it(
        scenario.title,
        async ({ expect }) => {
          const observe = (side: 'ours' | 'reference'): Promise<Observation> => {
            const target = running[side]
            if (!target || !fixtures) throw new Error(`${targets[side].name} did not start`)
            const context = {
              target,
              skopeo,
              fixtures,
              state: states[side],
              marker: options.marker,
            }
            return observeClientScenario(scenario, context)
          }
          const theirs = await observe('reference')
          const mine = await observe('ours')
          const comparison = compareRuns([mine], [theirs], declaredDifferences(scenario))
          report.add(scenario.id, comparison)
          expect({
            [ours.name]: expectationProblems(scenario, mine),
            [reference.name]: expectationProblems(scenario, theirs),
            comparison: comparison.problems,
          }).toEqual({ [ours.name]: [], [reference.name]: [], comparison: [] })
        },
        options.timeout,
      )
    }
  })
}

// --- internal ---

/** Runs a scenario on a fresh registry; a step that cannot run ends it with an `error` entry. */
async function observeProtocol(
  target: DifferentialTarget<RunningRegistry>,
  scenario: ProtocolScenario,
): Promise<Observation[]> {
  await using registry = await target.start()
  const probe = new Probe(registry.url)
  try {
    await scenario.run(probe)
  } catch (error) {
    probe.abort('scenario aborted', error)
  }
  return probe.observations
}

function printReport(report: DifferentialReport, options: DifferentialOptions): void {
  if (options.printReport) console.log(`\n${report.format()}\n`)
}
