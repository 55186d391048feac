import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repositoryFiles } from './repo-files.js'
import { REPO_ROOT } from './repo-root.js'

const DOC = 'docs/architecture.md'
const PROVIDERS = ['aws', 'gcp', 'azure', 'local'] as const

/** The rows of the table under `heading`: each row's cells, without the header and divider. */
function tableRows(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n## ${heading}\n`)
  if (start < 0) throw new Error(`${DOC} has no section "${heading}"`)
  const section = markdown.slice(start + heading.length + 5).split('\n## ')[0] ?? ''
  const lines = section.split('\n').filter((line) => line.startsWith('|'))
  return lines.slice(2).map((line) =>
    line
      .slice(1, -1)
      .split('|')
      .map((cell) => cell.trim()),
  )
}

/** The file names a cell names in backticks (`a.ts`, `b.ts`). */
function namedFiles(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+\.ts)`/g)].map((match) => match[1] ?? '')
}

describe(`${DOC} is true of the tree`, () => {
  it('every file its provider table names exists in that provider, and each row is filled for all four', async () => {
    const markdown = await readFile(join(REPO_ROOT, DOC), 'utf8')
    const rows = tableRows(markdown, 'Where each concept lives')
    const files = new Set(repositoryFiles())
    const missing: string[] = []
    expect(rows.length).toBeGreaterThanOrEqual(8)
    for (const [concept, ...cells] of rows) {
      expect(cells, `row "${concept}"`).toHaveLength(PROVIDERS.length)
      PROVIDERS.forEach((provider, column) => {
        for (const file of namedFiles(cells[column] ?? '')) {
          const path = `packages/provider-${provider}/src/${file}`
          if (!files.has(path)) missing.push(`${concept}: ${path}`)
        }
      })
    }
    expect(missing).toEqual([])
  })

  it('the rows every provider shares name the same file in all four columns', async () => {
    const markdown = await readFile(join(REPO_ROOT, DOC), 'utf8')
    const shared = tableRows(markdown, 'Where each concept lives').filter(([, ...cells]) =>
      cells.every((cell) => namedFiles(cell).length === 1),
    )
    for (const [concept, ...cells] of shared) {
      const names = cells.map((cell) =>
        namedFiles(cell)[0]?.replace(/^(aws|gcp|azure|local)-/, 'x-'),
      )
      expect(new Set(names), `row "${concept}"`).toHaveProperty('size', 1)
    }
    expect(shared.length).toBeGreaterThanOrEqual(8)
  })

  it('every package the package table names exists', async () => {
    const markdown = await readFile(join(REPO_ROOT, DOC), 'utf8')
    const names = tableRows(markdown, 'Packages').flatMap(([cell]) =>
      [...(cell ?? '').matchAll(/`@artifact-registry\/([a-z-]+)`/g)].map((match) => match[1]),
    )
    const files = new Set(repositoryFiles())
    expect(names.length).toBeGreaterThanOrEqual(8)
    for (const name of names) expect(files.has(`packages/${name}/package.json`), name).toBe(true)
  })
})
