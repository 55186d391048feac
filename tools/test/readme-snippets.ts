import { Lexer, type Token, type Tokens } from 'marked'

/**
 * README code must run. Every ```ts / ```js block of a README or a `docs/` page is preceded by a
 * marker comment:
 * - `<!-- snippet: <test file>#<region> -->`: the test file (a path from the repository root,
 *   ending in `.test.ts`) holds the block between `// #region <region>` and `// #endregion`,
 *   so running that test runs the block. The region may be the whole block, or the block without
 *   its leading imports when the region sits inside a test body; then the test file must import
 *   every name those imports bring in, from the same module.
 * - `<!-- not-run: <why> -->`: a listing of types or shapes, not code to run.
 */
export interface SnippetProblem {
  readonly file: string
  readonly message: string
}

/** A code block of a markdown file and the marker comment right before it, if any. */
export interface CodeBlock {
  readonly lang: string
  readonly text: string
  readonly marker: Marker | undefined
}

/** What the comment before a code block says. */
export type Marker =
  | { readonly kind: 'snippet'; readonly file: string; readonly region: string }
  | { readonly kind: 'not-run'; readonly reason: string }

/** Languages whose blocks must run. */
export const RUNNABLE_LANGS: ReadonlySet<string> = new Set([
  'ts',
  'typescript',
  'tsx',
  'js',
  'javascript',
  'jsx',
  'mjs',
  'cjs',
])

/** Whether a repository file is a document whose code blocks are checked. */
export function isCheckedDocument(path: string): boolean {
  return /(^|\/)README\.md$/.test(path) || /^docs\/.+\.md$/.test(path)
}

/** The code blocks of a markdown document, each with the marker comment right before it. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = []
  const walk = (tokens: readonly Token[]): void => {
    let marker: Marker | undefined
    for (const token of tokens) {
      if (token.type === 'space') continue
      if (token.type === 'code') {
        const code = token as Tokens.Code
        blocks.push({ lang: (code.lang ?? '').split(/\s/)[0] ?? '', text: code.text, marker })
      }
      marker = token.type === 'html' ? parseMarker(token.raw) : undefined
      for (const child of childTokens(token)) walk(child)
    }
  }
  walk(Lexer.lex(markdown))
  return blocks
}

/** Every problem with the runnable blocks of `documents` (path → text). */
export function findSnippetProblems(
  documents: ReadonlyMap<string, string>,
  readTestFile: (path: string) => string | undefined,
): SnippetProblem[] {
  const problems: SnippetProblem[] = []
  for (const [file, markdown] of documents) {
    codeBlocks(markdown)
      .filter((block) => RUNNABLE_LANGS.has(block.lang))
      .forEach((block, index) => {
        const where = `${block.lang} block ${index + 1} ("${firstLine(block.text)}")`
        const problem = checkBlock(block, readTestFile)
        if (problem !== undefined) problems.push({ file, message: `${where}: ${problem}` })
      })
  }
  return problems
}

/** The text between `// #region <name>` and `// #endregion`, dedented; undefined if absent. */
export function regionOf(source: string, name: string): string | undefined {
  const lines = source.split('\n')
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`)
  if (start < 0) return undefined
  const end = lines.findIndex((l, i) => i > start && /^\/\/ #endregion\b/.test(l.trim()))
  if (end < 0) return undefined
  return dedent(lines.slice(start + 1, end))
}

// --- Internal ---

function checkBlock(
  block: CodeBlock,
  readTestFile: (path: string) => string | undefined,
): string | undefined {
  const { marker } = block
  if (marker === undefined) {
    return 'no marker: put <!-- snippet: <test file>#<region> --> (or <!-- not-run: <why> --> for a type listing) right before it'
  }
  if (marker.kind === 'not-run') {
    return marker.reason === '' ? 'not-run needs a reason' : undefined
  }
  if (!marker.file.endsWith('.test.ts')) return `${marker.file} is not a test file (*.test.ts)`
  const source = readTestFile(marker.file)
  if (source === undefined) return `${marker.file} does not exist`
  const region = regionOf(source, marker.region)
  if (region === undefined) return `${marker.file} has no region "${marker.region}"`
  const snippet = normalize(block.text)
  if (region === snippet) return undefined
  const { imports, body } = splitImports(snippet)
  if (region !== body) {
    return `differs from ${marker.file}#${marker.region}:\n--- README\n${snippet}\n--- test\n${region}`
  }
  const missing = imports.flatMap((i) => i.names.filter((n) => !importsName(source, n, i.from)))
  if (missing.length > 0) {
    return `${marker.file} does not import ${missing.join(', ')} as the README does`
  }
  return undefined
}

interface ImportLine {
  readonly names: string[]
  readonly from: string
}

const IMPORT = /^import\s+(?:type\s+)?(.+?)\s+from\s+['"]([^'"]+)['"];?$/

/** The leading single-line imports of a snippet, and the rest. */
function splitImports(snippet: string): { imports: ImportLine[]; body: string } {
  const lines = snippet.split('\n')
  const imports: ImportLine[] = []
  let i = 0
  for (; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (line.trim() === '') continue
    const match = IMPORT.exec(line.trim())
    if (match === null) break
    imports.push({ names: importedNames(match[1] ?? ''), from: match[2] ?? '' })
  }
  return { imports, body: normalize(lines.slice(i).join('\n')) }
}

/** `{ a, b as c }` → a, c; `x` → x; `* as ns` → ns; `x, { a }` → x, a. */
function importedNames(clause: string): string[] {
  return clause
    .replace(/[{}]/g, ',')
    .split(',')
    .map((part) => part.trim().replace(/^type\s+/, ''))
    .filter((part) => part !== '')
    .map((part) => part.split(/\s+as\s+/).at(-1) ?? part)
}

/** Whether `source` imports `name` from `from` in one of its import statements. */
function importsName(source: string, name: string, from: string): boolean {
  const statements = source.match(/^import\s[\s\S]*?from\s+['"][^'"]+['"]/gm) ?? []
  return statements.some((statement) => {
    const match = /^import\s+(?:type\s+)?([\s\S]+?)\s+from\s+['"]([^'"]+)['"]$/.exec(statement)
    return match?.[2] === from && importedNames(match[1] ?? '').includes(name)
  })
}

function parseMarker(raw: string): Marker | undefined {
  const text = raw.trim()
  const snippet = /^<!--\s*snippet:\s*(\S+?)#([\w-]+)\s*-->$/.exec(text)
  if (snippet) return { kind: 'snippet', file: snippet[1] ?? '', region: snippet[2] ?? '' }
  const notRun = /^<!--\s*not-run:([\s\S]*?)-->$/.exec(text)
  if (notRun) return { kind: 'not-run', reason: (notRun[1] ?? '').trim() }
  return undefined
}

function childTokens(token: Token): (readonly Token[])[] {
  const children: (readonly Token[])[] = []
  if ('tokens' in token && Array.isArray(token.tokens)) children.push(token.tokens)
  if (token.type === 'list')
    for (const item of (token as Tokens.List).items) children.push(item.tokens)
  return children
}

function dedent(lines: readonly string[]): string {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0)
  const cut = indents.length === 0 ? 0 : Math.min(...indents)
  return normalize(lines.map((l) => l.slice(cut)).join('\n'))
}

function normalize(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/^\n+|\n+$/g, '')
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').trim().slice(0, 60)
}
