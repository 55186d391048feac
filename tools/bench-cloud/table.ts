import type { CallTable } from './measure.js'
import type { Cell } from './operations.js'

/** What a cell says when the provider answers `NOT_SUPPORTED` without a call. */
export const NOT_SUPPORTED_TEXT = 'not supported (no call)'
/** What a cell says when the provider has no such method. */
export const ABSENT_TEXT = '—'
/** What a cell says for an operation that made no call. */
export const NONE_TEXT = '0'

/**
 * A cell as printed: `n: call, call ×2, …` (the number of calls, then each call once, in the
 * order it was first made, with how often), `0` for none.
 */
export function cellText(cell: Cell): string {
  if (cell.kind === 'not-supported') return NOT_SUPPORTED_TEXT
  if (cell.kind === 'absent') return ABSENT_TEXT
  if (cell.calls.length === 0) return NONE_TEXT
  const counts = new Map<string, number>()
  for (const call of cell.calls) counts.set(call, (counts.get(call) ?? 0) + 1)
  const listed = [...counts].map(([call, n]) => (n === 1 ? call : `${call} ×${n}`))
  return `${cell.calls.length}: ${listed.join(', ')}`
}

/**
 * The same calls, however ordered: calls made concurrently (two regions, two token reads) may
 * arrive in either order, which is not a change.
 */
export function sameCalls(a: string, b: string): boolean {
  return canonical(a) === canonical(b)
}

/** The table as Markdown: one row per operation, one column per provider, and the totals. */
export function renderMarkdown(table: CallTable): string {
  const header = ['operation', ...table.columns]
  const lines = [row(header), row(header.map(() => '---'))]
  for (const name of table.rows) {
    lines.push(row([name, ...table.columns.map((c) => cellText(cellOf(table, c, name)))]))
  }
  return lines.join('\n')
}

/** Every cell's text by row and column, as {@link renderMarkdown} prints it. */
export function tableTexts(table: CallTable): Map<string, Map<string, string>> {
  return new Map(
    table.rows.map((name) => [
      name,
      new Map(table.columns.map((c) => [c, cellText(cellOf(table, c, name))])),
    ]),
  )
}

/**
 * Read a Markdown table back (the first one in `markdown` whose header starts with `operation`):
 * the text of every cell by row and column.
 * @throws Error when there is no such table.
 */
export function parseMarkdownTable(markdown: string): Map<string, Map<string, string>> {
  const lines = markdown.split('\n')
  const start = lines.findIndex((l) => /^\|\s*operation\s*\|/.test(l))
  if (start === -1) throw new Error('no table whose first column is "operation"')
  const [, ...columns] = cells(lines[start] ?? '')
  const parsed = new Map<string, Map<string, string>>()
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break
    const [name = '', ...values] = cells(line)
    parsed.set(name, new Map(columns.map((c, i) => [c, values[i] ?? ''])))
  }
  return parsed
}

// --- Internal ---

function cellOf(table: CallTable, column: string, name: string): Cell {
  const cell = table.cells.get(column)?.get(name)
  if (cell === undefined) throw new Error(`no figure for ${name} on ${column}`)
  return cell
}

function row(values: readonly string[]): string {
  return `| ${values.join(' | ')} |`
}

function cells(line: string): string[] {
  return line
    .replace(/^\|/, '')
    .replace(/\|\s*$/, '')
    .split('|')
    .map((c) => c.trim())
}

/** The calls of a cell's text as a sorted list, each as often as it was made. */
function canonical(text: string): string {
  const match = /^(\d+): (.*)$/.exec(text)
  if (match === null) return text
  const calls = (match[2] ?? '').split(', ').flatMap((entry) => {
    const times = /^(.*) ×(\d+)$/.exec(entry)
    return times === null ? [entry] : Array<string>(Number(times[2])).fill(times[1] ?? '')
  })
  return `${match[1]}: ${calls.sort().join(', ')}`
}
