import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repositoryFiles } from './repo-files.js'
import { REPO_ROOT } from './repo-root.js'

/** Relative module specifiers that name a `.ts` file, one `file:line specifier` each. */
export function tsSpecifiers(file: string, text: string): string[] {
  const found: string[] = []
  text.split('\n').forEach((line, i) => {
    for (const [, specifier] of line.matchAll(
      /(?:from|import\(|new URL\()\s*'(\.{1,2}\/[^']*\.ts)'/g,
    )) {
      found.push(`${file}:${i + 1} ${specifier}`)
    }
  })
  return found
}

// Packages, tools, e2e and the test kit import each other's modules by their `.js` names, as
// tsc emits them: tsc and vitest resolve those to the sources, and what Node runs is compiled
// (the bench and the probe build to their dist/ first). The examples are left out: they show a
// user running TypeScript with Node directly, which only resolves `.ts` names.
describe('module specifiers', () => {
  it('name .js files everywhere but the examples', () => {
    const checked = repositoryFiles().filter(
      (file) =>
        /\.ts$/.test(file) && /^(packages|tools|e2e)\//.test(file) && !/\/dist\//.test(file),
    )
    expect(checked.length).toBeGreaterThan(100)
    const found = checked.flatMap((file) =>
      tsSpecifiers(file, readFileSync(join(REPO_ROOT, file), 'utf8')),
    )
    expect(found).toEqual([])
  })

  it('finds imports, dynamic imports and worker URLs of .ts files', () => {
    // Built from pieces, so that this file's own lines hold no such specifier.
    const q = "'"
    const text = [
      `import { a } from ${q}./a.ts${q}`,
      `const b = await import(${q}../b.ts${q})`,
      `new Worker(new URL(${q}./worker.ts${q}, import.meta.url))`,
      `import { c } from ${q}./c.js${q}`,
      `import { d } from ${q}@scope/d.ts${q}`,
    ].join('\n')
    expect(tsSpecifiers('x.ts', text)).toEqual([
      'x.ts:1 ./a.ts',
      'x.ts:2 ../b.ts',
      'x.ts:3 ./worker.ts',
    ])
  })
})
