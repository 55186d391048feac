/** A table for a terminal: a header row, then one row per item, columns padded to their widest. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd()
  return [line(headers), ...rows.map(line)].join('\n')
}

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
]

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'always' })

/**
 * A time relative to `now` in the largest whole unit, as people read it: `in 15 minutes`,
 * `3 hours ago`. `null` (the platform gave no time) reads `unknown`.
 */
export function relativeTime(date: Date | null, now: Date = new Date()): string {
  if (date === null) return 'unknown'
  const delta = date.getTime() - now.getTime()
  for (const [unit, ms] of UNITS) {
    if (Math.abs(delta) >= ms || unit === 'second') {
      return RELATIVE.format(Math.round(delta / ms), unit)
    }
  }
  return RELATIVE.format(0, 'second')
}

/** A date as JSON output carries it: ISO 8601 in UTC, or `null`. */
export function isoOrNull(date: Date | null): string | null {
  return date === null ? null : date.toISOString()
}
