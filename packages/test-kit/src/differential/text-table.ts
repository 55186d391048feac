/**
 * A Markdown-style table padded to its widest cells, as the e2e suite prints it.
 *
 * @example
 * ```ts
 * formatTable(['a', 'b'], [['1', 'two']])
 * // | a | b   |
 * // |---|-----|
 * // | 1 | two |
 * ```
 */
export function formatTable(header: readonly string[], body: readonly string[][]): string {
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => r[i]?.length ?? 0)))
  const line = (cells: readonly string[]) =>
    `| ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} |`
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`
  return [line(header), rule, ...body.map(line)].join('\n')
}
