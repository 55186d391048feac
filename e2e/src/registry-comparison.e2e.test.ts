import { afterAll, beforeAll, describe, it } from 'vitest'
import { DELIBERATE_DIFFERENCES } from './deliberate-differences.js'
import { createFixtures } from './fixtures.js'
import { REGISTRY_IMAGE } from './images.js'
import { OutcomeTable } from './outcome-table.js'
import { e2eRequirement } from './requirements.js'
import { runScenario, SCENARIOS, type ScenarioState } from './scenarios/index.js'
import { hermeticSkopeo, type Skopeo } from './skopeo.js'
import { type RunningTarget, TARGETS } from './targets.js'

// Throws under CI=true: there a missing engine, image or skopeo is a broken setup, not a skip.
const missing = await e2eRequirement(REGISTRY_IMAGE)
if (missing) console.warn(`e2e: skipping the registry comparison: ${missing}`)

describe.skipIf(missing)('the local provider on registry:2 and on the in-process registry', () => {
  const table = new OutcomeTable(
    TARGETS.map((target) => target.name),
    SCENARIOS,
  )
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
          const outcome = await runScenario(scenario, context)
          table.record(scenario.id, target.name, outcome)
          expect(outcome).toMatch(scenario.expected)
        })
      }
    })
  }

  it('shows the same outcomes on both, apart from listed deliberate differences', ({ expect }) => {
    console.log(`\n${table.format(DELIBERATE_DIFFERENCES)}\n`)
    expect(table.unexplained(DELIBERATE_DIFFERENCES)).toEqual([])
  })
})
