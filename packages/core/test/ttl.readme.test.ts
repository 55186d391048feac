import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { TTL_RULES, type TtlRule } from '../src/ttl.js'

// The README's TTL table is what users read instead of the code: every row and every column
// must say what TTL_RULES holds, so a rule that changes without its row fails here.

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, min: 60, h: 3600, days: 86_400 }

/** `3600 s`, `43,200 s`, `7 days` → seconds; anything else is a malformed cell. */
function seconds(cell: string): number {
  const match = /^([\d,]+) (s|min|h|days)$/.exec(cell)
  if (!match) throw new Error(`not a duration: ${JSON.stringify(cell)}`)
  return Number((match[1] as string).replaceAll(',', '')) * (UNIT_SECONDS[match[2] as string] ?? 0)
}

interface DocumentedRule extends TtlRule {
  readonly note: string
}

/** The README's TTL table: rule name → the rule its cells describe. */
function documentedRules(): Map<string, DocumentedRule> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const start = readme.indexOf('\n## TTL rules')
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1))
  const [header, , ...body] = section.split('\n').filter((line) => line.startsWith('|'))
  const cells = (line: string): string[] =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim())
  expect(cells(header ?? '')).toEqual(['rule', 'default', 'min', 'max', 'honours request', 'note'])
  return new Map(
    body.map((line) => {
      const [rule = '', defaults = '', min = '', max = '', honours = '', note = ''] = cells(line)
      expect(honours, rule).toMatch(/^(yes|no)$/)
      return [
        rule.replaceAll('`', ''),
        {
          defaultSeconds: seconds(defaults),
          minSeconds: seconds(min),
          maxSeconds: seconds(max),
          honoursRequest: honours === 'yes',
          note,
        },
      ]
    }),
  )
}

describe('the core README documents TTL_RULES as the code holds them', () => {
  it('has one row per rule, every column equal to the rule', () => {
    const documented = documentedRules()
    expect([...documented.keys()].sort()).toEqual(Object.keys(TTL_RULES).sort())
    for (const [name, rule] of Object.entries(TTL_RULES)) {
      const { note, ...cells } = documented.get(name) as DocumentedRule
      expect(cells, name).toEqual(rule)
      expect(note, `${name} has a note`).not.toBe('')
    }
  })

  it('reads durations in the units the table uses', () => {
    expect([seconds('900 s'), seconds('43,200 s'), seconds('1 h'), seconds('7 days')]).toEqual([
      900, 43_200, 3600, 604_800,
    ])
    expect(() => seconds('—')).toThrow('not a duration')
  })
})
