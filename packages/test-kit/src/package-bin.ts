import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/**
 * The file that `packageName`'s bin `name` points at, with the package found as Node finds it
 * from the module `from` (pass `import.meta.url`): running that file runs the command as npm
 * links it.
 *
 * @example
 * ```ts
 * packageBin('@artifact-registry/registry-server', 'artifact-registry-local', import.meta.url)
 * // → …/packages/registry-server/bin/artifact-registry-local.js
 * ```
 */
export function packageBin(packageName: string, name: string, from: string): string {
  const require = createRequire(from)
  const manifestPath = require.resolve(`${packageName}/package.json`)
  const { bin } = require(manifestPath) as { bin?: string | Record<string, string> }
  const file = typeof bin === 'string' ? bin : bin?.[name]
  if (file === undefined) throw new TypeError(`${packageName} has no bin named ${name}`)
  return join(dirname(manifestPath), file)
}
