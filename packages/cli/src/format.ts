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

/** Units from the smallest up, each with its size in seconds. */
const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 1],
  ['minute', 60],
  ['hour', 3600],
  ['day', 86_400],
]

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'always' })

/**
 * A time relative to `now` in the largest unit it rounds to, as people read it: `in 15 minutes`,
 * `3 hours ago`; a credential minted for an hour a few seconds ago expires `in 1 hour`, not
 * `in 60 minutes`. `null` (the platform gave no time) reads `unknown`.
 */
export function relativeTime(date: Date | null, now: Date = new Date()): string {
  if (date === null) return 'unknown'
  const seconds = (date.getTime() - now.getTime()) / 1000
  let chosen = UNITS[0] ?? ['second', 1]
  for (const unit of UNITS.slice(1)) {
    // Promote when the count in the current unit rounds up to a whole larger unit.
    if (Math.abs(Math.round(seconds / chosen[1])) * chosen[1] < unit[1]) break
    chosen = unit
  }
  return RELATIVE.format(Math.round(seconds / chosen[1]), chosen[0])
}

/** A date as JSON output carries it: ISO 8601 in UTC, or `null`. */
export function isoOrNull(date: Date | null): string | null {
  return date === null ? null : date.toISOString()
}
