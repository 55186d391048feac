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
  runs: number
}

/**
 * Judges each measured run of a row on its own: `runs` are one server's figures (ours, ours
 * hashing on the main thread, or the C reference) and run `i` is set against `registry:2`'s run
 * `i`, measured back to back with it. A median that meets a target by a hair in a run whose
 * single runs mostly miss it says less than one met in every run; this shows which.
 */
export function runVerdicts(figure: Figure, runs: readonly number[]): RunVerdicts {
  if (runs.length !== figure.registry2Runs.length)
    throw new Error(
      `${figure.scenario}: ${runs.length} runs against ${figure.registry2Runs.length}`,
    )
  const pairs = runs.map((ours, i) => ({ ours, registry2: figure.registry2Runs[i] ?? Number.NaN }))
  const met = pairs.filter(({ ours, registry2 }) => meetsTarget(figure, ours, registry2)).length
  const shown =
    figure.ceiling === undefined
      ? pairs.map(({ ours, registry2 }) => ratioOf(figure.kind, ours, registry2))
      : [...runs]
  const low = Math.min(...shown)
  const high = Math.max(...shown)
  const range = (text: (value: number) => string): string =>
    low === high ? text(low) : `${text(low)}–${text(high)}`
  const spread =
    figure.ceiling === undefined ? `${range((value) => value.toFixed(2))}×` : range(format)
  return { spread, met, runs: runs.length }
}
