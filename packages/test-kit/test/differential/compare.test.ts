import { describe, expect, it } from 'vitest'
import {
  type ClientScenario,
  compareRuns,
  DifferentialReport,
  type ExpectedDifference,
  expectationProblems,
  type Observation,
} from '../../src/differential/index.js'

const get = (status: number, extra: Partial<Observation> = {}): Observation => ({
  step: 'GET',
  status,
  headers: { 'content-type': 'application/json' },
  ...extra,
})

describe('compareRuns', () => {
  it('passes identical runs, step by step', () => {
    const run = [get(200), { ...get(404), step: 'GET missing', codes: ['BLOB_UNKNOWN'] }]
    const { problems, steps } = compareRuns(run, structuredClone(run))
    expect(problems).toEqual([])
    expect(steps.map((s) => s.verdict)).toEqual(['same', 'same'])
  })

  it('fails an undeclared difference and shows both answers in full', () => {
    const { problems, steps } = compareRuns([get(200)], [get(201)])
    expect(steps[0]?.verdict).toBe('DIFFERENT')
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^step "GET": ours \{.*status: 200.*\}, reference \{.*status: 201/)
  })

  it('passes a difference that is exactly as declared, asymmetric matchers included', () => {
    const declared: ExpectedDifference[] = [
      {
        step: 'GET',
        ours: { status: expect.toBeOneOf([400, 404]), codes: ['NAME_INVALID'] },
        reference: { status: 500 },
        reason: 'because',
      },
    ]
    const ours = [get(400, { codes: ['NAME_INVALID'] })]
    const { problems, steps } = compareRuns(ours, [get(500)], declared)
    expect(problems).toEqual([])
    expect(steps[0]).toMatchObject({ verdict: 'known', reason: 'because' })
  })

  it('fails a declared difference that did not happen as declared', () => {
    const declared = [
      { step: 'GET', ours: { status: 400 }, reference: { status: 500 }, reason: 'r' },
    ]
    const { problems, steps } = compareRuns([get(404)], [get(500)], declared)
    expect(steps[0]?.verdict).toBe('DIFFERENT')
    expect(problems).toEqual([
      expect.stringMatching(/^step "GET": ours .*, not as declared: .*\(r\)$/),
    ])
  })

  it('with the same status on both sides, compares everything the declaration leaves out', () => {
    const declared = [
      { step: 'GET', ours: { body: 'a' }, reference: { body: 'b' }, reason: 'bodies differ' },
    ]
    const ours = [get(200, { body: 'a' })]
    expect(compareRuns(ours, [get(200, { body: 'b' })], declared).problems).toEqual([])
    const otherType = get(200, { body: 'b', headers: { 'content-type': 'text/plain' } })
    expect(compareRuns(ours, [otherType], declared).problems).toEqual([
      expect.stringContaining('besides the declared difference'),
    ])
  })

  it('fails steps that ran on one side only, and declarations of steps that never ran', () => {
    const declared = [{ step: 'DELETE', ours: {}, reference: {}, reason: 'stale' }]
    const { problems, steps } = compareRuns([get(200), { step: 'HEAD' }], [get(200)], declared)
    expect(steps.map((s) => s.verdict)).toEqual(['same', 'NOT RUN'])
    expect(problems).toEqual([
      'steps differ: ours [GET, HEAD], reference [GET]',
      'declared difference "DELETE" is no step',
    ])
  })

  it('refuses to excuse a different outcome', () => {
    const declared = [{ step: 'GET', ours: { outcome: 'a' }, reference: {}, reason: 'no' }]
    expect(() => compareRuns([], [], declared)).toThrow(TypeError)
  })
})

describe('expectationProblems', () => {
  const scenario: ClientScenario = {
    id: 'refusal',
    title: 'a refusal',
    outcome: /^refused$/,
    detail: /^HTTP 40[13]/,
    run: () => Promise.resolve({ outcome: 'refused' }),
  }

  it("holds an observation to the scenario's outcome and detail", () => {
    const ok = { step: 'refusal', outcome: 'refused', detail: 'HTTP 403 DENIED' }
    expect(expectationProblems(scenario, ok)).toEqual([])
    expect(expectationProblems(scenario, { ...ok, outcome: 'pulled', detail: 'HTTP 200' })).toEqual(
      [
        'outcome "pulled" does not match /^refused$/',
        'detail "HTTP 200" does not match /^HTTP 40[13]/',
      ],
    )
  })

  it('wants no detail from a scenario that expects none', () => {
    const withoutDetail = { ...scenario, detail: undefined }
    expect(
      expectationProblems(withoutDetail, { step: 'refusal', outcome: 'refused', detail: 'x' }),
    ).toEqual(['unexpected detail "x"'])
  })
})

describe('DifferentialReport', () => {
  it('lays the steps side by side and gives each reason once', () => {
    const report = new DifferentialReport('ours', 'theirs')
    const declared = [
      { step: 'GET', ours: { status: 400 }, reference: { status: 404 }, reason: 'invalid name' },
    ]
    report.add('names', compareRuns([get(400, { codes: ['NAME_INVALID'] })], [get(404)], declared))
    report.add('refusal', compareRuns([{ step: 'refusal', outcome: 'refused' }], []))
    const text = report.format()
    expect(text).toMatch(/\| names +\| GET +\| 400 NAME_INVALID +\| 404 +\| known +\|/)
    expect(text).toMatch(/\| refusal +\| +\| refused +\| \(not run\) +\| NOT RUN +\|/)
    expect(text).toContain('Known differences:\n- GET: invalid name')
  })
})
