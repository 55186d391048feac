import { describe, expect, it } from 'vitest'
import { type Figure, medians } from '../bench/measure.js'
import type { Server } from '../bench/registries.js'
import { renderReport } from '../bench/report.js'
import { runVerdicts } from '../bench/run-verdicts.js'
import { THREAD_GROUPS } from '../bench/thread-cpu.js'

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
    cpuOursByThread: { main: 0.35, hashing: 0.4, 'libuv pool': 0.13, 'V8 helpers': 0.02, other: 0 },
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

  it('shows one figure when the runs print alike', () => {
    const rate = figure({ oursRuns: [3.2004, 3.2041], registry2Runs: [1, 1] })
    expect(runVerdicts(rate, rate.oursRuns)).toEqual({ spread: '3.20×', met: 2, runs: 2 })
  })

  it('gives no verdicts for runs that cannot be paired, rather than failing the report', () => {
    const rate = figure({ oursRuns: [1, 2, 3], registry2Runs: [1, 2] })
    expect(runVerdicts(rate, rate.oursRuns)).toBeUndefined()
    expect(runVerdicts(rate, [])).toBeUndefined()
  })
})

describe('medians', () => {
  it("keeps each server's runs in round order, whatever order the servers ran in", async () => {
    const server = (name: 'ours' | 'registry:2'): Server => ({
      name,
      url: 'http://127.0.0.1:1',
      host: '127.0.0.1:1',
      pid: process.pid,
      authorization: undefined,
      skopeoDestArgs: [],
      dropBlob: async () => {},
      close: async () => {},
    })
    const calls: string[] = []
    const result = await medians(
      [server('ours'), server('registry:2')],
      'test',
      'MB/s',
      { runs: 3, warmups: 1 },
      async (s, round) => {
        calls.push(`${s.name}@${round}`)
        return (s.name === 'ours' ? 100 : 200) + round
      },
    )
    // Warm-ups first, then the order reverses every round.
    expect(calls).toEqual([
      'ours@-1',
      'registry:2@-1',
      'ours@0',
      'registry:2@0',
      'registry:2@1',
      'ours@1',
      'ours@2',
      'registry:2@2',
    ])
    expect(result.runs.ours).toEqual([100, 101, 102])
    expect(result.runs['registry:2']).toEqual([200, 201, 202])
    expect(result.value).toMatchObject({ ours: 101, 'registry:2': 201 })
    expect(Object.keys(result.oursByThread)).toEqual([...THREAD_GROUPS])
  })
})

describe('renderReport', () => {
  it("prints a ceiling as the runs' values, a context row in parentheses, and — when unpaired", () => {
    const report = renderReport(
      [
        figure({
          scenario: 'peak RSS, push + pull of a 2 GiB blob',
          unit: 'MB',
          kind: 'size',
          ceiling: 128,
          ours: 115.7,
          registry2: 33.8,
          oursRuns: [115.7],
          registry2Runs: [33.8],
        }),
        figure({
          scenario: 'manifest HEAD',
          auth: 'none',
          unit: 'req/s',
          target: 1,
          informational: true,
          ours: 3600,
          registry2: 800,
          oursRuns: [3600, 3500],
          registry2Runs: [800],
        }),
      ],
      context,
    )
    expect(rowOf(report, 'peak RSS, push + pull of a 2 GiB blob').slice(0, 8)).toEqual([
      'token',
      'MB',
      '115.7',
      '33.80',
      '0.29×',
      '115.7',
      '< 128 MB',
      'yes 1/1',
    ])
    expect(rowOf(report, 'manifest HEAD').slice(0, 8)).toEqual([
      'none',
      'req/s',
      '3600',
      '800.0',
      '4.50×',
      '—',
      '(≥ 1×)',
      '(yes)',
    ])
  })

  it('prints the per-run spread and the runs that met the target beside the median', () => {
    const report = renderReport(
      [
        figure({
          ours: 780,
          registry2: 250,
          oursRuns: [900, 780, 700],
          registry2Runs: [250, 250, 250],
          reference: { value: 1100, cpu: 0.7, runs: [1100, 1050, 1200] },
          nodeDiscard: { value: 2000, cpu: 0.2, runs: [2000, 1900, 2100] },
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
    const byThread = report.slice(report.indexOf("Ours' CPU seconds per run by thread"))
    expect(rowOf(byThread, 'blob push monolithic (512 MiB)')).toEqual([
      'token',
      '0.350',
      '0.400',
      '0.130',
      '0.020',
      '0.000',
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
    // After the C reference: the gauges in a fixed order, each against the same registry:2 runs.
    const gauges = report.split('\n').filter((line) => line.startsWith('  ↳'))
    expect(gauges.map((line) => line.split(/ {2,}/)[1])).toEqual([
      '↳ C reference',
      '↳ Node, bodies discarded',
    ])
    expect(rowOf(report, '  ↳ Node, bodies discarded')).toEqual([
      'token',
      'MB/s',
      '2000',
      '250.0',
      '8.00×',
      '7.60–8.40×',
      '≥ 3.2×',
      'yes 3/3',
      '0.200',
      '2.100',
    ])
  })
})
