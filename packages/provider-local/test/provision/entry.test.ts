import { readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Runtime code never loads provisioning: `@artifact-registry/provider-local` and everything it
// imports stay clear of src/provision/, which is reached only through the ./provision subpath.

const SRC = join(dirname(fileURLToPath(import.meta.url)), '../../src')

/** Every source file `entry` imports, directly or not, relative to src/. */
function importGraph(entry: string): string[] {
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(join(SRC, file), 'utf8')
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = relative(SRC, join(SRC, dirname(file), match[1] ?? '')).replace(/\.js$/, '.ts')
      visit(target)
    }
  }
  visit(entry)
  return [...seen].sort()
}

describe('the runtime entry does not import provisioning', () => {
  it('src/index.ts reaches no file under src/provision/', () => {
    const graph = importGraph('index.ts')
    expect(graph).toContain('local-provider.ts')
    expect(graph.filter((file) => file.startsWith('provision/'))).toEqual([])
  })

  it('src/provision/index.ts is the entry of the ./provision subpath, and reaches the runtime it checks with', () => {
    const graph = importGraph('provision/index.ts')
    expect(graph).toEqual(expect.arrayContaining(['provision/provision.ts', 'registry-client.ts']))
  })
})
