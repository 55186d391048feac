import type { InputResult } from './bad-input-run.js'
import { percentile } from './latency.js'
import type { LoadResult } from './manifest-flood.js'
import type { ServerProcess } from './server-process.js'
import type { Settings } from './settings.js'
import type { ExhaustionResult } from './upload-exhaustion.js'

/** One line of the summary: a figure, its value, and the target it must meet, if any. */
export interface Figure {
  name: string
  value: string
  target: string
  /** Whether the value meets the target; undefined when there is none. */
  met?: boolean
}

/** A markdown table. */
export function table(headings: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headings.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`
  return [line(headings), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

/** The summary table. */
export function figuresTable(figures: readonly Figure[]): string {
  return table(
    ['figure', 'value', 'target', 'ok'],
    figures.map((f) => [
      f.name,
      f.value,
      f.target,
      f.met === undefined ? '' : f.met ? 'yes' : 'NO',
    ]),
  )
}

/** Answers to the bad inputs by category: how many, and by class of status. */
export function inputsTable(results: readonly InputResult[]): string {
  const byCategory = new Map<string, InputResult[]>()
  for (const r of results) byCategory.set(r.category, [...(byCategory.get(r.category) ?? []), r])
  const rows = [...byCategory.entries()].map(([category, rs]) => {
    const count = (test: (r: InputResult) => boolean): string => String(rs.filter(test).length)
    const status = (r: InputResult): number =>
      r.outcome.kind === 'answered' ? r.outcome.status : 0
    return [
      category,
      String(rs.length),
      count((r) => status(r) >= 200 && status(r) < 300),
      count((r) => status(r) >= 400 && status(r) < 500),
      count((r) => status(r) >= 500),
      count((r) => r.outcome.kind === 'closed'),
      count((r) => r.outcome.kind === 'timeout' || r.outcome.kind === 'unbuildable'),
    ]
  })
  return table(
    ['bad inputs', 'tried', '2xx', '4xx', '5xx', 'closed, no answer', 'no answer in 30 s'],
    rows,
  )
}

/** Megabytes with one decimal. */
export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`
}

/** Milliseconds, rounded. */
export function ms(value: number): string {
  return `${Math.round(value)} ms`
}

/** What each load sent, what the registry answered, and what the other clients saw. */
export function loadsTable(
  settings: Settings,
  floods: Record<'nested' | 'wide', { result: LoadResult; latency: number[] }>,
  exhaustion: { result: ExhaustionResult; latency: number[] },
): string {
  const show = (o: Record<string, number>): string =>
    Object.entries(o)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ')
  const { result } = exhaustion
  const { nested, wide } = floods
  return table(
    ['load', 'what the registry answered', 'other clients p50 / p99 / max'],
    [
      [
        `${nested.result.requests} nested manifests of 8 MiB (length announced, chunked, and 4 MiB under the cap), ${settings.floodClients} at a time`,
        show(nested.result.outcomes),
        latencies(nested.latency),
      ],
      [
        `${wide.result.requests} wide manifests of 4 MiB (one flat array), ${settings.floodClients} at a time`,
        show(wide.result.outcomes),
        latencies(wide.latency),
      ],
      [
        `upload sessions: ${settings.sessionsPerCredential} per credential × 8`,
        show(result.sessions),
        latencies(exhaustion.latency),
      ],
      [
        `PATCHes: ${settings.stalledPerCredential} stalled + ${settings.tricklingPerCredential} trickling per credential × 8`,
        show(result.stalled),
        '',
      ],
      [`${settings.idleConnections} connections that send nothing`, show(result.idle), ''],
    ],
  )
}

function latencies(samples: number[]): string {
  return `${ms(percentile(samples, 50))} / ${ms(percentile(samples, 99))} / ${ms(Math.max(...samples))} (${samples.length} requests)`
}

/** Every problem found, one line each: answers over 499, timeouts, losses, crashes, logged failures. */
export function printProblems(
  results: InputResult[],
  lost: string[],
  lostAfterRestart: string[],
  crashes: string[],
  servers: ServerProcess[],
): void {
  const lines = [
    ...results
      .filter(
        (r) =>
          (r.outcome.kind === 'answered' && r.outcome.status >= 500) ||
          r.outcome.kind === 'timeout' ||
          r.outcome.kind === 'unbuildable',
      )
      .map(
        (r) =>
          `${r.category} / ${r.label}: ${r.outcome.kind === 'answered' ? r.outcome.status : r.outcome.kind}`,
      ),
    ...lost.map((l) => `lost: ${l}`),
    ...lostAfterRestart.map((l) => `lost after restart: ${l}`),
    ...crashes.map((c) => `crash: ${c}`),
    ...servers
      .flatMap((s) => s.failures)
      .slice(0, 20)
      .map((f) => `server log: ${f.slice(0, 300)}`),
  ]
  if (lines.length === 0) return
  console.log(`Problems:\n${lines.map((l) => `- ${l}`).join('\n')}`)
}
