import { describe, expect, it } from 'vitest'
import type { Figure } from '../bench/measure.js'
import { renderReport } from '../bench/report.js'
import { runVerdicts } from '../bench/run-verdicts.js'

// The benchmark's verdicts are what the team reads off a run: the median against the target,
// and how the single runs, each set against the registry:2 run measured next to it, spread
// around it.

function figure(overrides: Partial<Figure>): Figure {
  return {
    scenario: 'blob push monolithic (512 MiB)',
    auth: 'token',
    unit: 'MB/s',
    kind: 'rate',
    ours: 800,
    registry2: 250,
    oursRuns: [800],
    registry2Runs: [250],
    cpuOurs: 0.9,
    cpuRegistry2: 2.1,
    target: 3.2,
    informational: false,
    notes: [],
    ...overrides,
  }
}

const context = { machine: '2 cores', runs: 3, warmups: 1, load: [], notes: [] }

/** The report's table row whose scenario column starts with `scenario`, split into cells. */
function rowOf(report: string, scenario: string): string[] {
  const line = report.split('\n').find((l) => l.startsWith(scenario))
  if (line === undefined) throw new Error(`no row for ${scenario} in:\n${report}`)
  return line
    .slice(scenario.length)
    .trim()
    .split(/\s{2,}/)
}

describe('runVerdicts', () => {
  it('pairs each run with the registry:2 run of the same round, not with its median', () => {
    // Set against registry:2's median (200) they would spread from 2.00× to 6.00×; paired by
    // round, every run is 4.00×.
    const rate = figure({ oursRuns: [400, 800, 1200], registry2Runs: [100, 200, 300] })
    expect(runVerdicts(rate, rate.oursRuns)).toEqual({ spread: '4.00×', met: 3, runs: 3 })
  })

  it('turns times and sizes so that more than 1 means ours is better', () => {
    const time = figure({ unit: 's', kind: 'time', oursRuns: [1, 2], registry2Runs: [3, 3] })
    expect(runVerdicts(time, time.oursRuns)).toEqual({ spread: '1.50–3.00×', met: 0, runs: 2 })
  })

  it('judges a ceiling by the values themselves', () => {
    const memory = figure({
      unit: 'MB',
      kind: 'size',
      ceiling: 128,
      oursRuns: [105.5, 131.25, 123.3],
      registry2Runs: [60, 61, 62],
    })
    expect(runVerdicts(memory, memory.oursRuns)).toEqual({
      spread: '105.5–131.3',
      met: 2,
      runs: 3,
    })
  })

  it('refuses runs that cannot be paired', () => {
    const rate = figure({ oursRuns: [1, 2, 3], registry2Runs: [1, 2] })
    expect(() => runVerdicts(rate, rate.oursRuns)).toThrow(/3 runs against 2/)
  })
})

describe('renderReport', () => {
  it('prints the per-run spread and the runs that met the target beside the median', () => {
    const report = renderReport(
      [
        figure({
          ours: 780,
          registry2: 250,
          oursRuns: [900, 780, 700],
          registry2Runs: [250, 250, 250],
          reference: { value: 1100, cpu: 0.7, runs: [1100, 1050, 1200] },
        }),
      ],
      context,
    )
    // Median 3.12× misses 3.2×; one run of three (3.60×) met it.
    expect(rowOf(report, 'blob push monolithic (512 MiB)')).toEqual([
      'token',
      'MB/s',
      '780.0',
      '250.0',
      '3.12×',
      '2.80–3.60×',
      '≥ 3.2×',
      'NO 1/3',
      '0.900',
      '2.100',
    ])
    expect(rowOf(report, '  ↳ C reference')).toEqual([
      'token',
      'MB/s',
      '1100',
      '250.0',
      '4.40×',
      '4.20–4.80×',
      '≥ 3.2×',
      'yes 3/3',
      '0.700',
      '2.100',
    ])
  })
})
