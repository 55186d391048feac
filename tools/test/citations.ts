import { dirname, join, normalize } from 'node:path'
import { headingAnchors } from './markdown-anchors.js'

/**
 * The repository's citation rules (written up in docs/README.md#citations):
 * - a markdown file named in a `.ts`, `.md`, `.sh` or `.yml` file must exist in the repository,
 *   relative to the naming file or to the root, and a `#anchor` after it must be one of its
 *   headings;
 * - a `docs/…` path must exist;
 * - an in-page link `](#anchor)` of a markdown file must name one of its own headings;
 * - an OCI endpoint id (`end-5`, `end-7a`) must be one that docs/oci-distribution.md defines;
 * - there are no section signs: sections are cited by file and heading anchor instead.
 */
export interface CitationProblem {
  readonly file: string
  readonly line: number
  readonly message: string
}

/** What the checker reads: the repository's files and their text. */
export interface RepositoryView {
  /** Every file and directory of the repository, relative to its root. */
  readonly paths: ReadonlySet<string>
  /** The text of a file of the repository. */
  read(path: string): string
}

/** Files whose text is checked. */
export const CHECKED_FILE: RegExp = /\.(ts|md|sh|ya?ml)$/

/** The document that defines the OCI endpoint ids. */
export const ENDPOINT_DOC = 'docs/oci-distribution.md'

const SECTION_SIGN = '\u00a7'
const URL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s)>\]'"`]+/gi
const MARKDOWN_FILE = /(?<![\w/.@*<>-])((?:\.{1,2}\/|[\w@.-]+\/)*[\w.-]+\.md)(?:#([\w-]*))?(?!\w)/g
const DOCS_PATH = /(?<![\w/.@-])(docs\/[\w./-]*[\w-])/g
const IN_PAGE_LINK = /\]\(#([^)\s]*)\)/g
const ENDPOINT_ID = /\bend-(\d+[a-z]?)\b/g

/** Every broken citation in the checked files of `repo`. */
export function findCitationProblems(repo: RepositoryView): CitationProblem[] {
  const problems: CitationProblem[] = []
  const anchorsOf = memo((path: string) => headingAnchors(repo.read(path)))
  const endpointIds = repo.paths.has(ENDPOINT_DOC) ? endpointIdsOf(repo.read(ENDPOINT_DOC)) : null
  for (const file of [...repo.paths].filter((p) => CHECKED_FILE.test(p)).sort()) {
    const lines = repo.read(file).split('\n')
    lines.forEach((text, i) => {
      const report = (message: string): void => {
        problems.push({ file, line: i + 1, message })
      }
      const line = text.replace(URL, ' ')
      if (line.includes(SECTION_SIGN)) {
        report('a section sign: cite a repository document as docs/<file>.md#<heading-anchor>')
      }
      for (const [, path = '', anchor] of line.matchAll(MARKDOWN_FILE)) {
        const target = resolve(repo, file, path)
        if (target === undefined) report(`${path} is not a file of this repository`)
        else if (anchor !== undefined && !anchorsOf(target).has(anchor))
          report(`${target} has no heading with the anchor #${anchor}`)
      }
      for (const [, path = ''] of line.matchAll(DOCS_PATH)) {
        if (path.endsWith('.md')) continue // checked above, with its anchor
        if (!repo.paths.has(normalize(path))) {
          report(`${path} does not exist in this repository`)
        }
      }
      if (file.endsWith('.md')) {
        for (const [, anchor = ''] of text.matchAll(IN_PAGE_LINK)) {
          if (!anchorsOf(file).has(anchor))
            report(`no heading of this file has the anchor #${anchor}`)
        }
      }
      for (const [, id] of line.matchAll(ENDPOINT_ID)) {
        if (endpointIds === null) report(`end-${id} cites ${ENDPOINT_DOC}, which does not exist`)
        else if (!endpointIds.has(`end-${id}`))
          report(`end-${id} is not an endpoint of ${ENDPOINT_DOC}`)
      }
    })
  }
  return problems
}

// --- Internal ---

/** The path `name` stands for, relative to the naming file or to the root; undefined if none. */
function resolve(repo: RepositoryView, from: string, name: string): string | undefined {
  const candidates = [join(dirname(from), name), normalize(name)]
  return candidates.find((c) => repo.paths.has(c))
}

/** Endpoint ids are defined in the first column of the endpoint table: `| end-5 | …`. */
function endpointIdsOf(markdown: string): Set<string> {
  const ids = new Set<string>()
  for (const [, id] of markdown.matchAll(/^\|\s*(end-\d+[a-z]?)\s*\|/gm)) if (id) ids.add(id)
  return ids
}

function memo<T>(compute: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>()
  return (key) => {
    if (!cache.has(key)) cache.set(key, compute(key))
    return cache.get(key) as T
  }
}
