import { afterAll, beforeAll, describe, it } from 'vitest'
import { KNOWN_DETAIL_DIFFERENCES } from './detail-differences.js'
import { createFixtures } from './fixtures.js'
import { REGISTRY_IMAGE } from './images.js'
import { OutcomeTable } from './outcome-table.js'
import { e2eRequirement } from './requirements.js'
import { detailPatterns, runScenario, SCENARIOS, type ScenarioState } from './scenarios/index.js'
import { hermeticSkopeo, type Skopeo } from './skopeo.js'
import { type RunningTarget, TARGETS } from './targets.js'

// Throws under CI=true: there a missing engine, image or skopeo is a broken setup, not a skip.
const missing = await e2eRequirement(REGISTRY_IMAGE)
if (missing) console.warn(`e2e: skipping the registry comparison: ${missing}`)

describe.skipIf(missing)('the local provider on registry:2 and on the in-process registry', () => {
  const columns = TARGETS.map((target) => target.name)
  const table = new OutcomeTable(columns, SCENARIOS)
  let fixtures: Awaited<ReturnType<typeof createFixtures>> | undefined
  let skopeo: Skopeo
  beforeAll(async () => {
    fixtures = await createFixtures()
    skopeo = await hermeticSkopeo(fixtures.work)
  })
  afterAll(() => fixtures?.remove())

  for (const target of TARGETS) {
    describe(target.name, () => {
      let running: RunningTarget | undefined
      const state: ScenarioState = {}
      beforeAll(async () => {
        running = await target.start()
      })
      // Runs when a scenario failed too: the container and servers never outlive the suite.
      afterAll(() => running?.close())

      for (const scenario of SCENARIOS) {
        it(scenario.title, async ({ expect }) => {
          if (!running || !fixtures) throw new Error(`${target.name} did not start`)
          const context = { target: running, skopeo, fixtures, state }
          const result = await runScenario(scenario, context)
          table.record(scenario.id, target.name, result)
          expect(result.outcome).toMatch(scenario.outcome)
          // The detail may differ between targets, but each must be one its expectation allows.
          const patterns = detailPatterns(scenario, target.name, columns)
          if (patterns.length === 0) expect(result.detail).toBeUndefined()
          for (const pattern of patterns) expect(result.detail ?? '(no detail)').toMatch(pattern)
        })
      }
    })
  }

  it('shows the same outcomes on both, and details that differ only as listed', ({ expect }) => {
    console.log(`\n${table.format(KNOWN_DETAIL_DIFFERENCES)}\n`)
    expect(table.problems(KNOWN_DETAIL_DIFFERENCES)).toEqual([])
  })
})
