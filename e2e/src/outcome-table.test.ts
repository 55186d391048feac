import { describe, expect, it } from 'vitest'
import { type KnownDetailDifference, OutcomeTable } from './outcome-table.js'
import { detailPatterns, type Scenario } from './scenarios/index.js'

const COLUMNS = ['theirs', 'ours']
const ROWS = [{ id: 'refusal', title: 'a refusal' }]
const KNOWN: KnownDetailDifference[] = [
  { scenario: 'refusal', details: { theirs: 'HTTP 401', ours: 'HTTP 403' }, reason: 'because' },
]

function table(theirs: [string, string?], ours: [string, string?]): OutcomeTable {
  const t = new OutcomeTable(COLUMNS, ROWS)
  t.record('refusal', 'theirs', { outcome: theirs[0], detail: theirs[1] })
  t.record('refusal', 'ours', { outcome: ours[0], detail: ours[1] })
  return t
}

describe('OutcomeTable', () => {
  it('passes identical outcomes whose details differ exactly as listed, and says why', () => {
    const t = table(['refused', 'HTTP 401'], ['refused', 'HTTP 403'])
    expect(t.problems(KNOWN)).toEqual([])
    expect(t.format(KNOWN)).toMatch(
      /\| refused +\| refused +\| same +\| HTTP 401 +\| HTTP 403 +\| known +\|/,
    )
    expect(t.format(KNOWN)).toContain('- refusal: because')
  })

  it('fails outcomes that differ, whatever the list says', () => {
    const t = table(['refused', 'HTTP 401'], ['pulled', 'HTTP 403'])
    expect(t.problems(KNOWN)).toEqual([
      'refusal: outcomes differ: theirs → refused | ours → pulled',
    ])
  })

  it('fails details that differ other than as listed, and names the stale entry', () => {
    const t = table(['refused', 'HTTP 404'], ['refused', 'HTTP 403'])
    expect(t.problems(KNOWN)).toEqual([
      'refusal: details differ, not as listed: theirs → HTTP 404 | ours → HTTP 403',
    ])
    expect(t.format(KNOWN)).toContain('Listed but not seen (prune the list?):\n- refusal')
  })

  it('fails a scenario that did not run on every target', () => {
    const t = new OutcomeTable(COLUMNS, ROWS)
    t.record('refusal', 'ours', { outcome: 'refused' })
    expect(t.problems([])).toEqual(['refusal: not run on every target'])
  })
})

describe('detailPatterns', () => {
  const scenario: Scenario = {
    id: 'refusal',
    title: 'a refusal',
    outcome: /^refused$/,
    detail: { any: /^HTTP 40[13]$/, byTarget: { ours: /^HTTP 403$/ } },
    run: () => Promise.resolve({ outcome: 'refused' }),
  }

  it("is the scenario's expectation for any target, and the target's own", () => {
    expect(detailPatterns(scenario, 'theirs', COLUMNS)).toEqual([/^HTTP 40[13]$/])
    expect(detailPatterns(scenario, 'ours', COLUMNS)).toEqual([/^HTTP 40[13]$/, /^HTTP 403$/])
    expect(detailPatterns({ ...scenario, detail: undefined }, 'ours', COLUMNS)).toEqual([])
  })

  it('refuses an expectation for a target that does not exist', () => {
    expect(() => detailPatterns(scenario, 'ours', ['theirs'])).toThrow(/no target named ours/)
  })
})
