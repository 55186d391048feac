import { readFileSync } from 'node:fs'
import { ErrorCode } from '@artifact-registry/core'
import { describe, expect, it } from 'vitest'
import { ERROR_EXIT_CODES, EXIT } from '../src/index.js'

/** The README's exit-code table: `| \`3\` | \`NOT_FOUND\` |` rows, status → the first word of the meaning. */
function readmeTable(): Map<number, string> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const section = readme.slice(
    readme.indexOf('## Exit codes'),
    readme.indexOf('## The credential helper'),
  )
  const rows = new Map<number, string>()
  for (const [, status = '', meaning = ''] of section.matchAll(/^\| `(\d+)`\s*\| (.+?)\s*\|$/gm)) {
    rows.set(Number(status), meaning)
  }
  return rows
}

describe('exit codes', () => {
  it('give every error code its own status, apart from ok, failure, usage and interrupted', () => {
    const statuses = Object.values(ERROR_EXIT_CODES)
    expect(Object.keys(ERROR_EXIT_CODES).sort()).toEqual(Object.values(ErrorCode).sort())
    expect(new Set(statuses).size).toBe(statuses.length)
    for (const reserved of Object.values(EXIT)) expect(statuses).not.toContain(reserved)
    for (const status of statuses) expect(status).toBeGreaterThan(2)
  })

  it('are the README table, row for row', () => {
    const table = readmeTable()
    const expected = new Map<number, string>([
      [EXIT.ok, 'ok'],
      [EXIT.failure, 'another failure'],
      [EXIT.usage, 'usage'],
      [EXIT.interrupted, 'interrupted'],
      ...Object.entries(ERROR_EXIT_CODES).map(([code, status]): [number, string] => [
        status,
        `\`${code}\``,
      ]),
    ])
    expect([...table.keys()].sort((a, b) => a - b)).toEqual(
      [...expected.keys()].sort((a, b) => a - b),
    )
    for (const [status, meaning] of expected) {
      expect(table.get(status)?.startsWith(meaning), `status ${status}: ${table.get(status)}`).toBe(
        true,
      )
    }
  })
})
