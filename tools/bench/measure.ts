import { cpuSeconds } from './processes.js'
import { SERVER_NAMES, type Server, type ServerName } from './registries.js'
import {
  perThreadGroup,
  THREAD_GROUPS,
  type ThreadGroup,
  threadGroupSeconds,
} from './thread-cpu.js'

/** One row of the report: a scenario's median on each server. */
export interface Figure {
  scenario: string
  /** The auth mode's label. */
  auth: string
  unit: 'MB/s' | 'req/s' | 's' | 'MB'
  /** `rate`: more is better; `time` and `size`: less is better. */
  kind: 'rate' | 'time' | 'size'
  ours: number
  registry2: number
  /**
   * Each measured run's figure on each server, in run order: in a round every server is measured
   * once, one after the other, so `oursRuns[i]` and `registry2Runs[i]` were taken in the same
   * round, under much the same load.
   */
  oursRuns: number[]
  registry2Runs: number[]
  /** Median server CPU seconds (user + system) per measured run. */
  cpuOurs: number
  /** Median CPU seconds per measured run of each group of our server's threads. */
  cpuOursByThread: Record<ThreadGroup, number>
  cpuRegistry2: number
  /** Our server hashing on its main thread, when the scenario ran it too. */
  mainThread?: ServerFigure
  /** The C reference (`reference-server.c`), when the scenario ran it too. */
  reference?: ServerFigure
  /** Node's HTTP server discarding the bodies (`node-discard-server.ts`), when the scenario ran it. */
  nodeDiscard?: ServerFigure
  /** The ratio (> 1 = ours better) the issue asks for. */
  target: number
  /** A bound ours must stay under, instead of a ratio (peak memory). */
  ceiling?: number
  /** A row the issue sets no target for, shown for context (e.g. the no-auth pass). */
  informational: boolean
  /** Extra facts printed under the table. */
  notes: string[]
}

/** One server's side of a figure: its median, median CPU seconds per run, and single runs. */
export interface ServerFigure {
  value: number
  cpu: number
  runs: number[]
}

/** How often a scenario runs on each server. */
export interface Repetitions {
  /** Measured runs per server; the median is reported. */
  runs: number
  /** Unreported runs per server first (JIT, page cache, connection pool, lazy init). */
  warmups: number
}

/**
 * Each server's median figure, and the median server CPU (user + system seconds) per run; NaN
 * for a server the pass did not run.
 */
export interface Medians {
  value: Record<ServerName, number>
  cpu: Record<ServerName, number>
  /** Every measured run's figure, in run order (empty for a server the pass did not run). */
  runs: Record<ServerName, number[]>
  /** Our server's median CPU seconds per run, by group of threads. */
  oursByThread: Record<ThreadGroup, number>
}

/**
 * Runs `once` on every server, warm-ups first, then `runs` rounds, and returns each server's
 * medians. The servers' order reverses every round, so slow drift (page-cache writeback, a
 * noisy neighbour) is spread over all of them. `once` gets the round (negative for warm-ups), so
 * all servers can be given the same input in a round. The server's CPU time is recorded too:
 * unlike wall time, it barely moves when other processes compete for this machine's 2 cores.
 */
export async function medians(
  servers: readonly Server[],
  title: string,
  unit: string,
  reps: Repetitions,
  once: (server: Server, round: number) => Promise<number>,
): Promise<Medians> {
  for (let w = 1; w <= reps.warmups; w++) {
    for (const server of servers) {
      const value = await once(server, -w)
      progress(`${title} · ${server.name} · warm-up: ${format(value)} ${unit}`)
    }
  }
  const values = samplesOf()
  const cpu = samplesOf()
  const byThread = perThreadGroup((): number[] => [])
  for (let round = 0; round < reps.runs; round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse()
    for (const server of order) {
      const ours = server.name === 'ours'
      const threadsBefore = ours ? await threadGroupSeconds(server.pid) : undefined
      const before = await cpuSeconds(server.pid)
      const value = await once(server, round)
      const used = (await cpuSeconds(server.pid)) - before
      if (threadsBefore !== undefined) {
        const threadsAfter = await threadGroupSeconds(server.pid)
        for (const group of THREAD_GROUPS)
          byThread[group].push(threadsAfter[group] - threadsBefore[group])
      }
      values[server.name].push(value)
      cpu[server.name].push(used)
      const where = `${title} · ${server.name} · run ${round + 1}/${reps.runs}`
      progress(`${where}: ${format(value)} ${unit} (server CPU ${format(used)} s)`)
    }
  }
  const oursByThread = perThreadGroup((group) => median(byThread[group]))
  return { value: mediansOf(values), cpu: mediansOf(cpu), runs: values, oursByThread }
}

/** Seconds `fn` took, by the monotonic clock. */
export async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1e9
}

/** A progress line on stderr, so stdout holds only the report. */
export function progress(line: string): void {
  console.error(`[bench] ${line}`)
}

/** A figure with about four significant digits. */
export function format(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  if (value >= 1000) return value.toFixed(0)
  if (value >= 100) return value.toFixed(1)
  if (value >= 10) return value.toFixed(2)
  return value.toFixed(3)
}

// --- internal ---

function samplesOf(): Record<ServerName, number[]> {
  return perServer(() => [])
}

function mediansOf(samples: Record<ServerName, number[]>): Record<ServerName, number> {
  return perServer((name) => median(samples[name]))
}

/** A record with `make(name)` for every server the benchmark may run. */
function perServer<T>(make: (name: ServerName) => T): Record<ServerName, T> {
  return Object.fromEntries(SERVER_NAMES.map((name) => [name, make(name)])) as Record<ServerName, T>
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  if (sorted.length === 0) return Number.NaN
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}
