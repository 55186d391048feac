import { describe, expect, it } from 'vitest'
import { formatTable, relativeTime } from '../src/format.js'

const NOW = new Date('2026-01-01T12:00:00Z')
const after = (seconds: number): Date => new Date(NOW.getTime() + seconds * 1000)

describe('relativeTime', () => {
  it.each([
    [0, 'in 0 seconds'],
    [42, 'in 42 seconds'],
    [899.4, 'in 15 minutes'],
    [1900, 'in 32 minutes'],
    [3596, 'in 1 hour'],
    [3 * 3600 + 60, 'in 3 hours'],
    [-3 * 3600, '3 hours ago'],
    [2 * 86_400, 'in 2 days'],
  ])('%s s from now reads "%s"', (seconds, text) => {
    expect(relativeTime(after(seconds), NOW)).toBe(text)
  })

  it('reads an unknown time (null) as unknown', () => {
    expect(relativeTime(null, NOW)).toBe('unknown')
  })
})

describe('formatTable', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(
      formatTable(
        ['NAME', 'URI'],
        [
          ['a', 'x/a'],
          ['longer', 'x/longer'],
        ],
      ),
    ).toBe('NAME    URI\na       x/a\nlonger  x/longer')
  })
})
