import type { Comparison } from './compare.js'
import type { Observation } from './observation.js'
import { formatTable } from './text-table.js'

/**
 * The comparisons of a run, side by side: a row per step with what each registry answered and
 * the verdict, then the reasons of the known differences. For reading; the comparisons' own
 * problems are what fail the tests.
 */
export class DifferentialReport {
  readonly #columns: readonly [string, string]
  readonly #scenarios: { name: string; comparison: Comparison }[] = []

  /** `ours` and `reference` name the two registries' columns. */
  constructor(ours: string, reference: string) {
    this.#columns = [ours, reference]
  }

  /** Records the comparison of `scenario`. */
  add(scenario: string, comparison: Comparison): void {
    this.#scenarios.push({ name: scenario, comparison })
  }

  /** The table, then each reason once with the steps it explains. */
  format(): string {
    const header = ['scenario', 'step', ...this.#columns, 'verdict']
    const body = this.#scenarios.flatMap(({ name, comparison }) =>
      comparison.steps.map((s) => [
        name,
        // A client scenario is one step of the same name.
        s.step === name ? '' : s.step,
        summary(s.ours),
        summary(s.reference),
        s.verdict,
      ]),
    )
    const reasons = new Map<string, string[]>()
    for (const { comparison } of this.#scenarios) {
      for (const { step, reason, verdict } of comparison.steps) {
        if (reason && verdict === 'known')
          reasons.set(reason, [...(reasons.get(reason) ?? []), step])
      }
    }
    return [
      formatTable(header, body),
      ...(reasons.size > 0 ? ['', 'Known differences:'] : []),
      ...[...reasons].map(([reason, steps]) => `- ${steps.join(', ')}: ${reason}`),
    ].join('\n')
  }
}

// --- internal ---

const NONE = '—'

/** One cell: the outcome and detail of a client step, the status and error codes of a request. */
function summary(observation: Observation | undefined): string {
  if (!observation) return '(not run)'
  if (observation.error !== undefined) return `error: ${observation.error.split('\n')[0]}`
  if (observation.outcome !== undefined) {
    return [observation.outcome, observation.detail].filter(Boolean).join(' · ')
  }
  const codes = observation.codes?.length ? ` ${observation.codes.join(',')}` : ''
  return observation.status === undefined ? NONE : `${observation.status}${codes}`
}
