import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findCitationProblems, type RepositoryView } from './citations.js'
import { repositoryFiles } from './repo-files.js'
import { REPO_ROOT } from './repo-root.js'

/** A repository made of the given files (directories derived from their paths). */
function view(files: Record<string, string>): RepositoryView {
  return { paths: withDirectories(Object.keys(files)), read: (path) => files[path] ?? '' }
}

function withDirectories(files: readonly string[]): Set<string> {
  const paths = new Set<string>()
  for (const file of files) {
    for (let p = file; p !== '.' && !paths.has(p); p = dirname(p)) paths.add(p)
  }
  return paths
}

// The fixtures name documents that exist only in these virtual repositories. Their names are put
// together here, so that this file's own text cites no document the real repository lacks.
const md = (path: string): string => `${path}.md`
const GUIDE = md('docs/guide')
const ABSENT_NOTES = md('notes-kept-elsewhere')
const REMOTE_DOC = `https://example.test/${md('missing')}#x`

const DOCS = {
  [GUIDE]: '# Guide\n\n## Session policies\n\n### `options.region` (**required**)\n',
  'docs/oci-distribution.md': '| id | what |\n|---|---|\n| end-1 | x |\n| end-7a | y |\n',
}

const messagesFor = (files: Record<string, string>): string[] =>
  findCitationProblems(view({ ...DOCS, ...files })).map((p) => `${p.file}:${p.line} ${p.message}`)

describe('the citation checker', () => {
  it('accepts citations of repository files, their headings and endpoint ids', () => {
    expect(
      messagesFor({
        'pkg/a.test.ts':
          `// ${GUIDE}#session-policies, ${GUIDE}#optionsregion-required, ../${GUIDE}\n` +
          `it('end-1 and end-7a', () => {}) // see docs/ and ${REMOTE_DOC}\n`,
        'pkg/README.md': `[guide](../${GUIDE}) · [top](#readme)\n\n# Readme\n`,
      }),
    ).toEqual([])
  })

  it('reports section signs, missing files, unknown anchors and endpoint ids', () => {
    expect(
      messagesFor({
        'pkg/a.ts': [
          '// the design (\u00a74)',
          `// ${ABSENT_NOTES}`,
          `// ${GUIDE}#no-such-heading`,
          '// docs/platforms/aws.md',
          '// docs/missing-dir/',
          "it('end-99', () => {})",
        ].join('\n'),
        'pkg/README.md': '# Readme\n\n[usage](#usage)\n',
      }),
    ).toEqual([
      'pkg/README.md:3 no heading of this file has the anchor #usage',
      'pkg/a.ts:1 a section sign: cite a repository document as docs/<file>.md#<heading-anchor>',
      `pkg/a.ts:2 ${ABSENT_NOTES} is not a file of this repository`,
      `pkg/a.ts:3 ${GUIDE} has no heading with the anchor #no-such-heading`,
      'pkg/a.ts:4 docs/platforms/aws.md is not a file of this repository',
      'pkg/a.ts:5 docs/missing-dir does not exist in this repository',
      'pkg/a.ts:6 end-99 is not an endpoint of docs/oci-distribution.md',
    ])
  })
})

// The checker and its tests are made of deliberately broken citations.
const CHECKER_FILES = new Set(['tools/test/citations.ts', 'tools/test/citations.test.ts'])

describe('the repository', () => {
  it('cites only its own documents, and sections only by heading anchor', () => {
    const files = repositoryFiles().filter((f) => !CHECKER_FILES.has(f))
    const problems = findCitationProblems({
      paths: withDirectories(files),
      read: (path) => readFileSync(join(REPO_ROOT, path), 'utf8'),
    })
    expect(problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([])
  })
})
