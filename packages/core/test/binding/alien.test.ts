import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ALIEN_SCHEMAS } from '../../src/binding/alien.js'

/** The README's Alien table: service → the fields it lists as required and as optional. */
function documentedFields(): Map<string, { required: string[]; optional: string[] }> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const start = readme.indexOf('### The Alien binding shape')
  const section = readme.slice(start, readme.indexOf('\n## ', start))
  // Body rows only: they start with a service id; the header starts with `service`.
  const rows = section
    .split('\n')
    .filter((line) => /^\| `[a-z]+` /.test(line) && !line.startsWith('| `service`'))
  const fieldsOf = (cell: string): string[] =>
    [...cell.matchAll(/`(\w+)`/g)].map((m) => m[1] as string).sort()
  return new Map(
    rows.map((row) => {
      const [service = '', required = '', optional = ''] = row.split('|').slice(1)
      return [
        service.trim().replaceAll('`', ''),
        { required: fieldsOf(required), optional: fieldsOf(optional) },
      ]
    }),
  )
}

describe('the core README documents the Alien binding shape as the code accepts it', () => {
  it('lists every service with its required and optional fields', () => {
    const documented = documentedFields()
    expect([...documented.keys()].sort()).toEqual(Object.keys(ALIEN_SCHEMAS).sort())
    for (const [service, schema] of Object.entries(ALIEN_SCHEMAS)) {
      const fields = Object.entries(schema.shape).filter(([name]) => name !== 'service')
      const optional = (field: { safeParse(v: unknown): { success: boolean } }): boolean =>
        field.safeParse(undefined).success
      expect(documented.get(service), service).toEqual({
        required: fields
          .filter(([, f]) => !optional(f))
          .map(([name]) => name)
          .sort(),
        optional: fields
          .filter(([, f]) => optional(f))
          .map(([name]) => name)
          .sort(),
      })
    }
  })
})
