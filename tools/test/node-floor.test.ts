import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { repositoryFiles } from './repo-files.js'
import { REPO_ROOT } from './repo-root.js'

/**
 * The repository's own scripts run some TypeScript files with `node` itself (the demo, the test
 * summary), not through a compiler. Node runs a `.ts` file only where it strips types by default
 * (every release from 24; Node 22 only from 22.18), and parses `using` / `await using` only from
 * 24 (no Node 22 does: the demo failed there with "SyntaxError: Unexpected identifier"). So the
 * Node version the README promises and `tools/setup/node.sh` accepts must be one that runs them.
 * The published packages are compiled and keep their own floor (`engines`, Node 22).
 */
const FIRST_MAJOR_RUNNING_TYPESCRIPT = 24

/** The lowest Node major `tools/setup/node.sh` accepts as it is. */
function setupFloor(): number {
  const script = readFileSync(join(REPO_ROOT, 'tools/setup/node.sh'), 'utf8')
  const floor = /"\$\(node_major\)" -ge (\d+)/.exec(script)?.[1]
  if (floor === undefined) throw new Error('tools/setup/node.sh has no node_major check')
  return Number(floor)
}

/** Every `.ts` file a workspace's npm script runs with `node`, relative to the repository root. */
function typeScriptRunByNode(): string[] {
  const files: string[] = []
  for (const manifest of repositoryFiles().filter((f) => /(^|\/)package\.json$/.test(f))) {
    if (manifest.includes('node_modules/')) continue
    const scripts: Record<string, string> =
      JSON.parse(readFileSync(join(REPO_ROOT, manifest), 'utf8')).scripts ?? {}
    for (const command of Object.values(scripts)) {
      for (const match of command.matchAll(/(?:^|&&|;)\s*node\s+(\S+\.ts)\b/g)) {
        files.push(join(dirname(manifest), match[1] as string))
      }
    }
  }
  return [...new Set(files)].sort()
}

/** Whether `file` declares a `using` or `await using` variable anywhere. */
function hasUsingDeclaration(file: string): boolean {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(REPO_ROOT, file), 'utf8'),
    ts.ScriptTarget.Latest,
  )
  let found = false
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclarationList(node) && (node.flags & ts.NodeFlags.Using) !== 0) found = true
    if (!found) ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

describe('the Node.js version the repository scripts need', () => {
  const runByNode = typeScriptRunByNode()

  it('finds the TypeScript files that npm scripts run with node', () => {
    expect(runByNode).toContain('examples/quickstart/src/main.ts')
    expect(runByNode).toContain('tools/test-summary.ts')
    // The demo shows `await using`, as the READMEs do: only Node 24 parses it uncompiled.
    expect(hasUsingDeclaration('examples/quickstart/src/main.ts')).toBe(true)
  })

  it('tools/setup/node.sh accepts no Node that cannot run them', () => {
    expect(setupFloor()).toBeGreaterThanOrEqual(FIRST_MAJOR_RUNNING_TYPESCRIPT)
  })

  it('the README, run.sh and the root engines state the version setup accepts', () => {
    const floor = setupFloor()
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
    expect(readme).toContain(`when the machine's node is older than ${floor}`)
    expect(readme).toContain(`With Node ≥ ${floor} already installed`)
    const runScript = readFileSync(join(REPO_ROOT, 'tools/run.sh'), 'utf8')
    expect(runScript).toContain(`when the machine's node is older than ${floor}`)
    const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'))
    expect(root.engines.node).toBe(`>=${floor}`)
  })
})
