import { mkdir, symlink } from 'node:fs/promises'
import { delimiter, join } from 'node:path'

/**
 * A directory holding `name` → `target`, as npm links a package's bin, and the PATH that puts it
 * first (with node's own directory, for the launcher's `#!/usr/bin/env node`).
 */
export async function linkBin(dir: string, name: string, target: string): Promise<string> {
  await mkdir(dir, { recursive: true })
  await symlink(target, join(dir, name))
  return [dir, join(process.execPath, '..'), process.env.PATH ?? ''].join(delimiter)
}
