import { type Figure, format } from './measure.js'

/** A figure against `registry:2`'s, turned so that > 1 always means ours is better. */
export function ratioOf(kind: Figure['kind'], ours: number, registry2: number): number {
  return kind === 'rate' ? ours / registry2 : registry2 / ours
}

/** Whether a figure (a median or one run's) meets what the issue asks of its row. */
export function meetsTarget(figure: Figure, ours: number, registry2: number): boolean {
  return figure.ceiling === undefined
    ? ratioOf(figure.kind, ours, registry2) >= figure.target
    : ours < figure.ceiling
}

/** What a row's single runs say, next to its median. */
export interface RunVerdicts {
  /** The lowest and highest ratio of single runs (for a ceiling, the lowest and highest value). */
  spread: string
  /** How many runs met the target (or stayed under the ceiling). */
  met: number
  /** How many runs there were. */
  runs: number
}

/**
 * Judges each measured run of a row on its own: `runs` are one server's figures (ours, ours
 * hashing on the main thread, or the C reference) and run `i` is set against `registry:2`'s run
 * `i`, taken in the same round (see `medians`). A median that meets a target by a hair in a run
 * whose single runs mostly miss it says less than one met in every run; this shows which.
 * Undefined when the runs cannot be paired, so that the report still prints the medians.
 */
export function runVerdicts(figure: Figure, runs: readonly number[]): RunVerdicts | undefined {
  const { registry2Runs } = figure
  if (runs.length === 0 || runs.length !== registry2Runs.length) return undefined
  const pairs = runs.map((ours, i) => ({ ours, registry2: registry2Runs[i] as number }))
  const met = pairs.filter(({ ours, registry2 }) => meetsTarget(figure, ours, registry2)).length
  const shown =
    figure.ceiling === undefined
      ? pairs.map(({ ours, registry2 }) => ratioOf(figure.kind, ours, registry2))
      : [...runs]
  const text = figure.ceiling === undefined ? (value: number) => value.toFixed(2) : format
  const low = text(Math.min(...shown))
  const high = text(Math.max(...shown))
  const range = low === high ? low : `${low}–${high}`
  return { spread: figure.ceiling === undefined ? `${range}×` : range, met, runs: runs.length }
}
