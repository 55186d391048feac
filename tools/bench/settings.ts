import type { AuthMode } from './auth.js'
import {
  type Figure,
  type Medians,
  medians,
  type Repetitions,
  type ServerFigure,
} from './measure.js'
import {
  NODE_DISCARD,
  OURS_MAIN_THREAD,
  REFERENCE,
  type Server,
  type ServerName,
} from './registries.js'

/** Pull rounds per round of the other scenarios: a pull is short and its figure noisier. */
export const PULL_ROUNDS_FACTOR = 3

/** The memory scenario's runs: a 2 GiB push and pull takes a while, and its peak is not noisy. */
export const MEMORY_REPS: Repetitions = { runs: 1, warmups: 0 }

/** The shape of the image skopeo copies. */
export interface LayoutOptions {
  layers: number
  /** Random bytes per layer (a one-file tar, gzip level 0). */
  layerBytes: number
}

/** Sizes and durations of one benchmark run. */
export interface Settings {
  reps: Repetitions
  blobBytes: number
  chunkBytes: number
  /** Pushes at once in the concurrent scenario, which splits the blob among them. */
  concurrentPushes: number
  /** The blob pushed and pulled while the servers' peak memory is measured. */
  memoryBlobBytes: number
  headSeconds: number
  headConcurrency: number
  /** Tags the repository of the tag-push scenario holds before it is measured. */
  tagsHeld: number
  /** Tag pushes per measured run of that scenario. */
  tagPushes: number
  layout: LayoutOptions
  /** Scratch space for the OCI layouts skopeo reads. */
  workDir: string
}

/** One pass of the benchmark: the servers, how they are protected, the run's settings. */
export interface Pass {
  servers: readonly Server[]
  auth: AuthMode
  settings: Settings
}

/** How a scenario names its figure and what it asks of it. */
export interface FigureSpec {
  /** The progress lines' name, after the auth mode's. */
  label: string
  /** The report row's scenario column. */
  scenario: string
  unit: Figure['unit']
  /** The ratio (> 1 = ours better) the issue asks for. */
  target: number
  /** A bound ours must stay under, instead of the ratio. */
  ceiling?: number
  /** @default the run's repetitions */
  reps?: Repetitions
}

/**
 * Measures `once` on every server of the pass (warm-ups, then alternating rounds: see
 * `medians`) and makes the report row of its medians.
 */
export async function measureFigure(
  pass: Pass,
  spec: FigureSpec,
  once: (server: Server, round: number) => Promise<number>,
): Promise<Figure> {
  const { servers, auth, settings } = pass
  const reps = spec.reps ?? settings.reps
  const result = await medians(servers, `${auth.name} · ${spec.label}`, spec.unit, reps, once)
  const figure = toFigure(spec.scenario, auth, spec.unit, result, spec.target)
  if (spec.ceiling !== undefined) figure.ceiling = spec.ceiling
  return figure
}

// --- internal ---

const KINDS: Record<Figure['unit'], Figure['kind']> = {
  'MB/s': 'rate',
  'req/s': 'rate',
  s: 'time',
  MB: 'size',
}

/** A report row from a scenario's medians; `target` is the ratio the issue asks for. */
function toFigure(
  scenario: string,
  auth: AuthMode,
  unit: Figure['unit'],
  result: Medians,
  target: number,
): Figure {
  const mainThread = gaugeOf(result, OURS_MAIN_THREAD)
  const reference = gaugeOf(result, REFERENCE)
  const nodeDiscard = gaugeOf(result, NODE_DISCARD)
  return {
    scenario,
    auth: auth.label,
    unit,
    kind: KINDS[unit],
    ours: result.value.ours,
    registry2: result.value['registry:2'],
    oursRuns: result.runs.ours,
    registry2Runs: result.runs['registry:2'],
    cpuOurs: result.cpu.ours,
    cpuOursByThread: result.oursByThread,
    cpuRegistry2: result.cpu['registry:2'],
    ...(mainThread && { mainThread }),
    ...(reference && { reference }),
    ...(nodeDiscard && { nodeDiscard }),
    target,
    // The targets are for auth on; the no-auth pass is there to show bcrypt's share.
    informational: auth.name === 'none',
    notes: [],
  }
}

/** One server's side of a figure, or `undefined` when the scenario did not run that server. */
function gaugeOf(result: Medians, name: ServerName): ServerFigure | undefined {
  const value = result.value[name]
  if (Number.isNaN(value)) return undefined
  return { value, cpu: result.cpu[name], runs: result.runs[name] }
}
