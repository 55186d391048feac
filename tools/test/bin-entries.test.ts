import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './repo-root.js'

interface Manifest {
  name: string
  private?: boolean
  bin?: string | Record<string, string>
}

/** Every published workspace package: its folder and package.json. */
function publishedPackages(): { dir: string; manifest: Manifest }[] {
  return readdirSync(join(REPO_ROOT, 'packages'))
    .map((name) => posix.join('packages', name))
    .map((dir) => ({
      dir,
      manifest: JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8')) as Manifest,
    }))
    .filter(({ manifest }) => manifest.private !== true)
}

/** Files git tracks, relative to the repository root. */
function committedFiles(): Set<string> {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
  return new Set(out.split('\0').filter((file) => file !== ''))
}

function binTargets(manifest: Manifest): [string, string][] {
  const { bin } = manifest
  if (bin === undefined) return []
  if (typeof bin === 'string') return [[manifest.name.replace(/^@[^/]+\//, ''), bin]]
  return Object.entries(bin)
}

// npm links a package's bins when it installs, before any build runs: a bin that points into
// build output does not exist then, and npm skips the link without an error.
describe('bin entries of published packages', () => {
  const committed = committedFiles()
  const bins = publishedPackages().flatMap(({ dir, manifest }) =>
    binTargets(manifest).map(([command, target]) => ({
      label: `${manifest.name} ${command}`,
      path: posix.normalize(posix.join(dir, target)),
    })),
  )

  it('there is at least one to check', () => {
    expect(bins.map((b) => b.label)).toContain(
      '@artifact-registry/registry-server artifact-registry-local',
    )
  })

  it.each(bins)('$label points at a committed file, not at build output', ({ path }) => {
    expect(path.split('/')).not.toContain('dist')
    expect(committed.has(path), `${path} is not committed`).toBe(true)
  })
})
