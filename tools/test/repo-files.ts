import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from './repo-root.js'

/**
 * The repository's files, relative to its root: tracked ones plus new ones git does not ignore
 * (so a check sees a file before its first commit), minus those deleted from the work tree.
 */
export function repositoryFiles(): string[] {
  const out = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  )
  const files = out.split('\0').filter((f) => f !== '' && existsSync(join(REPO_ROOT, f)))
  return [...new Set(files)].sort()
}
