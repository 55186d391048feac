import type { AuthMode } from './auth.ts'
import type { Figure, Medians, Repetitions } from './measure.ts'

/** Pull rounds per round of the other scenarios: a pull is short and its figure noisier. */
export const PULL_ROUNDS_FACTOR = 3

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
  headSeconds: number
  headConcurrency: number
  layout: LayoutOptions
  /** Scratch space for the OCI layouts skopeo reads. */
  workDir: string
}

/** A report row from a scenario's medians; `target` is the ratio the issue asks for. */
export function toFigure(
  scenario: string,
  auth: AuthMode,
  unit: Figure['unit'],
  result: Medians,
  target: number,
): Figure {
  return {
    scenario,
    auth: auth.label,
    unit,
    kind: unit === 's' ? 'time' : 'rate',
    ours: result.value.ours,
    registry2: result.value['registry:2'],
    cpuOurs: result.cpu.ours,
    cpuRegistry2: result.cpu['registry:2'],
    target,
    // The targets are for auth on; the no-auth pass is there to show bcrypt's share.
    informational: auth.name === 'none',
    notes: [],
  }
}
