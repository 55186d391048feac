import { readFileSync } from 'node:fs'
import { mkdir, symlink } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

// Tests that lay our built packages out as npm installs them, with their third-party
// dependencies linked in from this checkout.

const require = createRequire(import.meta.url)

/**
 * The directory of package `name` as `from` resolves it (not every package exports its
 * package.json, so the directory is found by walking up from its entry point).
 */
export function packageDir(name: string, from: NodeJS.Require = require): string {
  let dir = dirname(from.resolve(name))
  while (dirname(dir) !== dir) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === name) return dir
    } catch {
      // no package.json here: one level up
    }
    dir = dirname(dir)
  }
  throw new Error(`no package.json of ${name} above ${from.resolve(name)}`)
}

/**
 * Link every third-party dependency that our package `owner`'s package.json names, as `owner`
 * resolves it, into `modules`: read from the manifest, so a dependency added later is there too.
 */
export async function linkDependencies(owner: string, modules: string): Promise<void> {
  const ownerDir = packageDir(owner)
  const from = createRequire(join(ownerDir, 'package.json'))
  const manifest = JSON.parse(readFileSync(join(ownerDir, 'package.json'), 'utf8'))
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    if (name.startsWith('@artifact-registry/')) continue
    const target = join(modules, name)
    await mkdir(dirname(target), { recursive: true })
    await symlink(packageDir(name, from), target)
  }
}
