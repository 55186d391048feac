import type { ScenarioResult } from './scenarios/index.js'
import { formatTable } from './text-table.js'

/** A difference in detail between targets that is known, accepted, and explained. */
export interface KnownDetailDifference {
  /** The scenario id. */
  scenario: string
  /** The exact detail of each target (by column name): any other set is not this difference. */
  details: Readonly<Record<string, string>>
  /** Why the details differ and why that is acceptable. */
  reason: string
}

/** A row of the table: a scenario id and its title. */
export interface OutcomeRow {
  id: string
  title: string
}

const NONE = '—'

/**
 * The results of every scenario on every target, side by side. Outcomes must be identical on all
 * targets; details must be identical too, or exactly the set a known detail difference lists.
 */
export class OutcomeTable {
  readonly #columns: readonly string[]
  readonly #rows: readonly OutcomeRow[]
  readonly #results = new Map<string, Map<string, ScenarioResult>>()

  constructor(columns: readonly string[], rows: readonly OutcomeRow[]) {
    this.#columns = columns
    this.#rows = rows
  }

  /** Records what `scenario` produced on `column`. */
  record(scenario: string, column: string, result: ScenarioResult): void {
    const row = this.#results.get(scenario) ?? new Map<string, ScenarioResult>()
    row.set(column, result)
    this.#results.set(scenario, row)
  }

  /**
   * What fails the comparison, one line each: a scenario not run on every target, outcomes that
   * differ (no list excuses those), details that differ other than as `known` lists.
   */
  problems(known: readonly KnownDetailDifference[]): string[] {
    return this.#rows.flatMap(({ id }) => {
      const outcome = this.#outcomeVerdict(id)
      if (outcome === 'NOT RUN') return [`${id}: not run on every target`]
      return [
        ...(outcome === 'DIFFERENT'
          ? [`${id}: outcomes differ: ${this.#cells(id, 'outcome')}`]
          : []),
        ...(this.#detailVerdict(id, known) === 'DIFFERENT'
          ? [`${id}: details differ, not as listed: ${this.#cells(id, 'detail')}`]
          : []),
      ]
    })
  }

  /** The side-by-side table, then the reasons of the known differences that occurred. */
  format(known: readonly KnownDetailDifference[]): string {
    const header = [
      'scenario',
      ...this.#columns,
      'verdict',
      ...this.#columns.map((column) => `detail: ${column}`),
      'details',
    ]
    const body = this.#rows.map(({ id }) => [
      id,
      ...this.#columns.map((column) => this.#result(id, column)?.outcome ?? '(not run)'),
      this.#outcomeVerdict(id),
      ...this.#columns.map((column) => this.#result(id, column)?.detail ?? NONE),
      this.#detailVerdict(id, known),
    ])
    const seen = known.filter((difference) => this.#matches(difference))
    const unseen = known.filter((difference) => !seen.includes(difference))
    const reasons = new Map<string, string[]>()
    for (const { scenario, reason } of seen)
      reasons.set(reason, [...(reasons.get(reason) ?? []), scenario])
    return [
      formatTable(header, body),
      ...(seen.length > 0 ? ['', 'Known detail differences (the outcomes are the same):'] : []),
      ...[...reasons].map(([reason, scenarios]) => `- ${scenarios.join(', ')}: ${reason}`),
      ...(unseen.length > 0 ? ['', 'Listed but not seen (prune the list?):'] : []),
      ...unseen.map((difference) => `- ${difference.scenario}`),
    ].join('\n')
  }

  #result(scenario: string, column: string): ScenarioResult | undefined {
    return this.#results.get(scenario)?.get(column)
  }

  #cells(scenario: string, key: keyof ScenarioResult): string {
    return this.#columns
      .map((column) => `${column} → ${this.#result(scenario, column)?.[key] ?? NONE}`)
      .join(' | ')
  }

  #outcomeVerdict(scenario: string): 'same' | 'DIFFERENT' | 'NOT RUN' {
    const results = this.#columns.map((column) => this.#result(scenario, column))
    if (results.includes(undefined)) return 'NOT RUN'
    return new Set(results.map((r) => r?.outcome)).size === 1 ? 'same' : 'DIFFERENT'
  }

  #detailVerdict(scenario: string, known: readonly KnownDetailDifference[]): string {
    const results = this.#columns.map((column) => this.#result(scenario, column))
    if (results.includes(undefined)) return 'NOT RUN'
    const details = new Set(results.map((r) => r?.detail))
    if (details.size === 1) return details.has(undefined) ? NONE : 'same'
    const listed = known.some((d) => d.scenario === scenario && this.#matches(d))
    return listed ? 'known' : 'DIFFERENT'
  }

  // Whether the row shows exactly the details `difference` lists, and they differ.
  #matches(difference: KnownDetailDifference): boolean {
    if (new Set(Object.values(difference.details)).size < 2) return false
    return this.#columns.every(
      (column) =>
        difference.details[column] !== undefined &&
        difference.details[column] === this.#result(difference.scenario, column)?.detail,
    )
  }
}
