import type { InputResult } from './bad-input-run.js'
import { percentile } from './latency.js'
import { type Figure, mb, ms } from './report.js'

const RSS_TARGET = 512e6
const P99_TARGET = 500

/** What the probe measured, to be set against its targets. */
export interface Measurements {
  results: readonly InputResult[]
  /** Answers of 500 and above, 507 (disk full) aside. */
  fiveHundreds: number
  loggedFailures: number
  crashes: number
  acknowledged: number
  lost: number
  lostAfterRestart: number
  checkpoints: { tried: number; failed: number }
  floodClients: number
  nested: { peakRss: number; latency: readonly number[] }
  wide: { peakRss: number; latency: readonly number[] }
  exhaustion: { peakRss: number; latency: readonly number[] }
  idleLatency: readonly number[]
}

/** The summary: each figure with its target (several hundred inputs, zeros, 512 MB, 500 ms). */
export function figuresOf(m: Measurements): Figure[] {
  const p99Nested = percentile(m.nested.latency, 99)
  const p99Wide = percentile(m.wide.latency, 99)
  const p99Exhaustion = percentile(m.exhaustion.latency, 99)
  const zero = (name: string, value: number): Figure => ({
    name,
    value: String(value),
    target: '0',
    met: value === 0,
  })
  return [
    {
      name: 'distinct bad inputs tried',
      value: String(m.results.length),
      target: 'several hundred',
      met: m.results.length >= 300,
    },
    zero('5xx answers (507 disk full aside)', m.fiveHundreds),
    { name: 'failed requests in the server log', value: String(m.loggedFailures), target: '' },
    zero('crashes', m.crashes),
    { name: 'acknowledged writes read back', value: String(m.acknowledged), target: '' },
    zero('acknowledged data lost', m.lost),
    zero('acknowledged data lost after a restart', m.lostAfterRestart),
    {
      name: 'good pushes between bad inputs that failed',
      value: `${m.checkpoints.failed} of ${m.checkpoints.tried}`,
      target: '0',
      met: m.checkpoints.failed === 0,
    },
    {
      name: `max RSS, nested manifests (${m.floodClients} clients, 8 MiB each)`,
      value: mb(m.nested.peakRss),
      target: '< 512 MB',
      met: m.nested.peakRss < RSS_TARGET,
    },
    {
      name: `max RSS, wide manifests (${m.floodClients} clients, 4 MiB each)`,
      value: mb(m.wide.peakRss),
      target: '< 512 MB',
      met: m.wide.peakRss < RSS_TARGET,
    },
    {
      name: 'max RSS, upload exhaustion',
      value: mb(m.exhaustion.peakRss),
      target: '< 512 MB',
      met: m.exhaustion.peakRss < RSS_TARGET,
    },
    { name: "other clients' p99, idle", value: ms(percentile(m.idleLatency, 99)), target: '' },
    {
      name: "other clients' p99, nested manifests",
      value: ms(p99Nested),
      target: '< 500 ms',
      met: p99Nested < P99_TARGET,
    },
    {
      name: "other clients' p99, wide manifests",
      value: ms(p99Wide),
      target: '< 500 ms',
      met: p99Wide < P99_TARGET,
    },
    {
      name: "other clients' p99, upload exhaustion",
      value: ms(p99Exhaustion),
      target: '< 500 ms',
      met: p99Exhaustion < P99_TARGET,
    },
  ]
}
