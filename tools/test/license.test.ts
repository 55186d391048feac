import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './repo-root.js'

const run = promisify(execFile)

// npm variables of the outer `npm run` would make the inner npm think it is in this workspace.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
)

/** What `npm pack --dry-run --json` reports of one package. */
interface PackReport {
  readonly name: string
  readonly files: readonly { readonly path: string }[]
}

const ROOT_LICENSE = readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8')

/** The directories of the packages npm would publish (`packages/*` without `private: true`). */
const PUBLISHED = readdirSync(join(REPO_ROOT, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join('packages', entry.name))
  .filter((dir) => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8'))
    return manifest.private !== true
  })

describe('LICENSE', () => {
  it('the repository is under the Apache License 2.0', () => {
    expect(ROOT_LICENSE).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004\s/)
    expect(ROOT_LICENSE).toContain('END OF TERMS AND CONDITIONS')
    expect(PUBLISHED.length).toBeGreaterThan(0)
  })

  it.each(PUBLISHED)('%s ships the root LICENSE in its tarball', async (dir) => {
    const cwd = join(REPO_ROOT, dir)
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd,
      env: cleanEnv,
      maxBuffer: 16 * 1024 * 1024,
    })
    const [report] = JSON.parse(stdout) as PackReport[]
    const manifest = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'))
    expect(report?.name).toBe(manifest.name)
    expect(manifest.license).toBe('Apache-2.0')
    expect(report?.files.map((f) => f.path)).toContain('LICENSE')
    expect(readFileSync(join(cwd, 'LICENSE'), 'utf8')).toBe(ROOT_LICENSE)
  })
})
