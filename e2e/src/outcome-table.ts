/** A difference between targets that is known, accepted, and explained. */
export interface DeliberateDifference {
  /** The scenario id. */
  scenario: string
  /** The exact outcome of each target (by column name): any other pair is not this difference. */
  outcomes: Readonly<Record<string, string>>
  /** Why the two differ and why that is acceptable. */
  reason: string
}

/** A row of the table: a scenario id and its title. */
export interface OutcomeRow {
  id: string
  title: string
}

/**
 * The outcomes of every scenario on every target, compared side by side. A row passes when all
 * targets produced the same outcome, or exactly the pair a deliberate difference lists.
 */
export class OutcomeTable {
  readonly #columns: readonly string[]
  readonly #rows: readonly OutcomeRow[]
  readonly #outcomes = new Map<string, Map<string, string>>()

  constructor(columns: readonly string[], rows: readonly OutcomeRow[]) {
    this.#columns = columns
    this.#rows = rows
  }

  /** Records what `scenario` produced on `column`. */
  record(scenario: string, column: string, outcome: string): void {
    const row = this.#outcomes.get(scenario) ?? new Map<string, string>()
    row.set(column, outcome)
    this.#outcomes.set(scenario, row)
  }

  /** Rows that are not identical and not a listed deliberate difference, one line each. */
  unexplained(deliberate: readonly DeliberateDifference[]): string[] {
    return this.#rows
      .filter(
        (row) => this.#verdict(row.id, deliberate) !== 'same' && !this.#listed(row.id, deliberate),
      )
      .map(
        (row) =>
          `${row.id}: ${this.#columns.map((c) => `${c} → ${this.#cell(row.id, c)}`).join(' | ')}`,
      )
  }

  /** The side-by-side table, then the reasons of the deliberate differences that occurred. */
  format(deliberate: readonly DeliberateDifference[]): string {
    const header = ['scenario', ...this.#columns, 'verdict']
    const body = this.#rows.map((row) => [
      row.id,
      ...this.#columns.map((column) => this.#cell(row.id, column)),
      this.#verdict(row.id, deliberate),
    ])
    const widths = header.map((_, i) =>
      Math.max(...[header, ...body].map((r) => (r[i] ?? '').length)),
    )
    const line = (cells: string[]) =>
      `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`
    const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`
    const seen = deliberate.filter((d) => this.#listed(d.scenario, [d]))
    const unseen = deliberate.filter((d) => !seen.includes(d))
    return [
      line(header),
      rule,
      ...body.map(line),
      ...(seen.length > 0 ? ['', 'Deliberate differences:'] : []),
      ...seen.map((d) => `- ${d.scenario}: ${d.reason}`),
      ...(unseen.length > 0 ? ['', 'Listed but not seen (prune the list?):'] : []),
      ...unseen.map((d) => `- ${d.scenario}`),
    ].join('\n')
  }

  #cell(scenario: string, column: string): string {
    return this.#outcomes.get(scenario)?.get(column) ?? '(not run)'
  }

  #verdict(scenario: string, deliberate: readonly DeliberateDifference[]): string {
    const cells = this.#columns.map((column) => this.#outcomes.get(scenario)?.get(column))
    if (cells.includes(undefined)) return 'NOT RUN'
    if (new Set(cells).size === 1) return 'same'
    return this.#listed(scenario, deliberate) ? 'deliberate' : 'DIFFERENT'
  }

  #listed(scenario: string, deliberate: readonly DeliberateDifference[]): boolean {
    return deliberate.some(
      (d) =>
        d.scenario === scenario &&
        this.#columns.every(
          (column) => d.outcomes[column] === this.#outcomes.get(scenario)?.get(column),
        ),
    )
  }
}
