import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findSnippetProblems, isCheckedDocument, regionOf } from './readme-snippets.js'
import { repositoryFiles } from './repo-files.js'
import { REPO_ROOT } from './repo-root.js'

const TEST_FILE = [
  "import { ok } from 'node:assert'",
  "import { thing, other } from 'pkg'",
  "it('runs', async () => {",
  '  // #region whole',
  "  import { thing } from 'pkg'",
  '',
  '  thing()',
  '  // #endregion',
  '  // #region body',
  '  thing()',
  '  ok(other)',
  '  // #endregion',
  '})',
].join('\n')

const problemsOf = (markdown: string): string[] =>
  findSnippetProblems(new Map([['README.md', markdown]]), (path) =>
    path === 'pkg/test/x.test.ts' ? TEST_FILE : undefined,
  ).map((p) => p.message.split('\n')[0] ?? '')

const block = (marker: string, code: string): string => `${marker}\n\n\`\`\`ts\n${code}\n\`\`\`\n`

describe('the README snippet checker', () => {
  it('reads a region, dedented', () => {
    expect(regionOf(TEST_FILE, 'body')).toBe('thing()\nok(other)')
    expect(regionOf(TEST_FILE, 'missing')).toBeUndefined()
  })

  it('accepts blocks equal to a region, with or without imports the test file has', () => {
    const whole = "import { thing } from 'pkg'\n\nthing()"
    const body = "import { other, thing } from 'pkg'\n\nthing()\nok(other)"
    expect(
      problemsOf(
        block('<!-- snippet: pkg/test/x.test.ts#whole -->', whole) +
          block('<!-- snippet: pkg/test/x.test.ts#body -->', body) +
          block('<!-- not-run: the Options interface -->', 'interface Options {}') +
          '```sh\nnpm test\n```\n',
      ),
    ).toEqual([])
  })

  it('reports unmarked, changed and unbacked blocks', () => {
    expect(
      problemsOf(
        block('', 'thing()') +
          block('<!-- snippet: pkg/test/x.test.ts#body -->', 'thing()\nok(other) // edited') +
          block(
            '<!-- snippet: pkg/test/x.test.ts#body -->',
            "import { gone } from 'pkg'\n\nthing()\nok(other)",
          ) +
          block('<!-- snippet: pkg/test/x.test.ts#nope -->', 'thing()') +
          block('<!-- snippet: pkg/test/missing.test.ts#body -->', 'thing()') +
          block('<!-- snippet: pkg/src/x.ts#body -->', 'thing()') +
          block('<!-- not-run: -->', 'thing()'),
      ),
    ).toEqual([
      'ts block 1 ("thing()"): no marker: put <!-- snippet: <test file>#<region> --> (or <!-- not-run: <why> --> for a type listing) right before it',
      'ts block 2 ("thing()"): differs from pkg/test/x.test.ts#body:',
      'ts block 3 ("import { gone } from \'pkg\'"): pkg/test/x.test.ts does not import gone as the README does',
      'ts block 4 ("thing()"): pkg/test/x.test.ts has no region "nope"',
      'ts block 5 ("thing()"): pkg/test/missing.test.ts does not exist',
      'ts block 6 ("thing()"): pkg/src/x.ts is not a test file (*.test.ts)',
      'ts block 7 ("thing()"): not-run needs a reason',
    ])
  })
})

describe('the repository', () => {
  it('runs every ts/js block of every README and docs page in a test', () => {
    const documents = new Map(
      repositoryFiles()
        .filter(isCheckedDocument)
        .map((path) => [path, readFileSync(join(REPO_ROOT, path), 'utf8')] as const),
    )
    expect(documents.size).toBeGreaterThan(5)
    const read = (path: string): string | undefined => {
      const absolute = join(REPO_ROOT, path)
      return existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined
    }
    expect(findSnippetProblems(documents, read).map((p) => `${p.file}: ${p.message}`)).toEqual([])
  })
})
