import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { delimiter, join } from 'node:path'

/**
 * Whether `command` is an executable file in a directory of `env.PATH`, as `spawn` will look for
 * it: checked before credentials are minted for a client that is not there. Always `true` on
 * Windows, where executables are found by extension (the spawn then says if it is missing).
 */
export async function isInstalled(command: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  if (process.platform === 'win32') return true
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    // An empty entry means the current directory to a shell, not to spawn's lookup: skipped.
    if (dir === '') continue
    const path = join(dir, command)
    try {
      await access(path, constants.X_OK)
      if ((await stat(path)).isFile()) return true
    } catch {
      // Not here (or not executable): the next directory.
    }
  }
  return false
}
