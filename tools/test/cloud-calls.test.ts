import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { type CallTable, measureCloudCalls } from '../bench-cloud/measure.js'
import { parseMarkdownTable, renderMarkdown, sameCalls, tableTexts } from '../bench-cloud/table.js'
import { REPO_ROOT } from './repo-root.js'

// docs/cloud-calls.md gives a reason for every call each operation makes. Its table must be what
// `npm run bench:cloud` measures now, so a call added or removed anywhere shows up here.

const DOC = 'docs/cloud-calls.md'

describe(DOC, () => {
  let measured: CallTable
  let documented: Map<string, Map<string, string>>

  beforeAll(async () => {
    measured = await measureCloudCalls()
    documented = parseMarkdownTable(await readFile(join(REPO_ROOT, DOC), 'utf8'))
  }, 120_000)

  it('has a row for every operation and a column for every provider, as measured', () => {
    expect([...documented.keys()]).toEqual(measured.rows)
    for (const [row, columns] of documented)
      expect([...columns.keys()], row).toEqual(measured.columns)
  })

  it('lists exactly the calls each operation makes on each provider', () => {
    const stale: string[] = []
    for (const [row, columns] of tableTexts(measured)) {
      for (const [column, text] of columns) {
        const written = documented.get(row)?.get(column) ?? ''
        if (!sameCalls(written, text))
          stale.push(`${row} × ${column}: measured "${text}", written "${written}"`)
      }
    }
    expect(stale, `the table measured now:\n${renderMarkdown(measured)}`).toEqual([])
  })
})
