import { availableParallelism } from 'node:os'
import { type Figure, format, type ServerFigure } from './measure.js'
import { meetsTarget, ratioOf, runVerdicts } from './run-verdicts.js'
import { MEMORY_REPS, PULL_ROUNDS_FACTOR } from './settings.js'
import { THREAD_GROUPS } from './thread-cpu.js'

/** What the report says about the run as a whole. */
export interface ReportContext {
  /** e.g. "2 cores, Node v24.1.0, docker-registry 2.8.2, skopeo 1.9.3" */
  machine: string
  runs: number
  warmups: number
  /** How busy the machine was, printed in the header. */
  load: string[]
  /** Printed under the table, after the figures' own notes. */
  notes: string[]
}

/**
 * The plain-text report: a header, one row per figure, our server's CPU by thread per figure,
 * then the notes.
 */
export function renderReport(figures: readonly Figure[], context: ReportContext): string {
  const header = [
    ...['scenario', 'auth', 'unit', 'ours', 'registry:2', 'ratio', 'per run', 'target', 'met'],
    ...['CPU s ours', 'CPU s r2'],
  ]
  const threadHeader = ['scenario', 'auth', ...THREAD_GROUPS]
  const threadRows = figures.map((figure) => [
    figure.scenario,
    figure.auth,
    ...THREAD_GROUPS.map((group) => format(figure.cpuOursByThread[group])),
  ])
  const notes = [...figures.flatMap((f) => f.notes), ...context.notes]
  return [
    'Registry benchmark: ours (artifact-registry-local) vs registry:2 (Debian docker-registry)',
    `Same Node fetch client, all on 127.0.0.1; ${context.machine}.`,
    `Each figure is the median of ${context.runs} runs after ${context.warmups} warm-up per server (pull: ${context.runs * PULL_ROUNDS_FACTOR} runs; peak RSS: ${MEMORY_REPS.runs} run after ${MEMORY_REPS.warmups} warm-up); MB = 10^6 bytes.`,
    'ratio = ours/registry:2 for rates and registry:2/ours for times and sizes, so > 1 always means ours is better.',
    'per run = the lowest and highest ratio of single runs, each set against the registry:2 run of the same round (for a ceiling: the lowest and highest value); met = whether the median meets the target, then in how many single runs it was met.',
    'Rows in parentheses are for context: the issue sets its targets with auth on.',
    'CPU s = median user + system CPU seconds the server process used per run (robust to other load).',
    `A "↳ hashing on the main thread" row is the same scenario, in the same run, on a second copy of ours started with --hash-threads 0 (${ourDefaultHashing()}).`,
    'A "↳ C reference" row is the same scenario, in the same run, on tools/bench/reference-server.c: a lean C server taking our steps for a blob and no others (body written to a file, flushed every 16 MiB and hashed, each on its own thread; digest checked and file flushed before the 201; no auth, no metadata). Where even it misses a target, the target is out of reach of that design on this machine in this run.',
    'A "↳ Node, bodies discarded" row (the concurrent pushes) is the same scenario, in the same run, on tools/bench/node-discard-server.ts: Node\'s own HTTP server reading each body to its end and keeping nothing (no file, no hash, no auth). No server built on Node\'s HTTP server passes its figure with this client here; its CPU s are what receiving alone costs.',
    ...context.load,
    '',
    ...table(header, figures.flatMap(rowsOf), NUMERIC),
    '',
    "Ours' CPU seconds per run by thread (medians): main = HTTP and the event loop; hashing = the hashing worker; libuv pool = reading, writing and flushing files; V8 helpers = garbage collection and compilation; other = the rest.",
    ...table(threadHeader, threadRows, THREAD_NUMERIC),
    '',
    'Notes:',
    ...notes.map((note) => `- ${note}`),
  ].join('\n')
}

// --- internal ---

/** How ours hashes with its defaults here: the server takes one thread with more than one core. */
function ourDefaultHashing(): string {
  return availableParallelism() > 1
    ? 'ours hashes on one worker thread, its default on more than one core'
    : 'on this one-core machine ours hashes on the main thread too, so both rows measure the same'
}

/** Columns aligned right. */
const NUMERIC = new Set([3, 4, 5, 6, 9, 10])
const THREAD_NUMERIC = new Set(THREAD_GROUPS.map((_, i) => i + 2))

/** A header, a rule and the rows, each column as wide as its widest cell. */
function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: ReadonlySet<number>,
): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => width(r, i))))
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) =>
        numeric.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)]
}

/**
 * A figure's row, then one each for ours hashing on its main thread, the C reference and the Node
 * discard server, those the scenario ran.
 */
function rowsOf(figure: Figure): string[][] {
  const ours = { value: figure.ours, cpu: figure.cpuOurs, runs: figure.oursRuns }
  const rows = [row(figure, figure.scenario, ours)]
  const { mainThread, reference, nodeDiscard } = figure
  if (mainThread !== undefined) rows.push(row(figure, '  ↳ hashing on the main thread', mainThread))
  if (reference !== undefined) rows.push(row(figure, '  ↳ C reference', reference))
  if (nodeDiscard !== undefined) rows.push(row(figure, '  ↳ Node, bodies discarded', nodeDiscard))
  return rows
}

function row(figure: Figure, scenario: string, server: ServerFigure): string[] {
  const ratio = ratioOf(figure.kind, server.value, figure.registry2)
  const runs = runVerdicts(figure, server.runs)
  const median = meetsTarget(figure, server.value, figure.registry2) ? 'yes' : 'NO'
  const met = runs === undefined ? median : `${median} ${runs.met}/${runs.runs}`
  const target =
    figure.ceiling === undefined ? `≥ ${figure.target}×` : `< ${figure.ceiling} ${figure.unit}`
  const context = (text: string): string => (figure.informational ? `(${text})` : text)
  return [
    scenario,
    figure.auth,
    figure.unit,
    format(server.value),
    format(figure.registry2),
    `${ratio.toFixed(2)}×`,
    runs?.spread ?? '—',
    context(target),
    context(met),
    format(server.cpu),
    format(figure.cpuRegistry2),
  ]
}

function width(cells: readonly string[], i: number): number {
  return (cells[i] ?? '').length
}
