import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { delimiter } from 'node:path'

/** Where a client is, as far as starting it goes. */
export type ClientLookup = 'runnable' | 'not executable' | 'missing'

// The search path execvp (Linux) and libuv's own search (macOS) use when PATH is not set.
const DEFAULT_SEARCH_PATH = '/usr/bin:/bin'

/**
 * Look `command` up in `env.PATH` as `spawn` will (execvp's rules): an unset PATH searches the
 * default path, an empty entry the current directory; a missing file, a directory or a file
 * that cannot be run moves on to the next entry, and any other error stops the search (spawn
 * would fail there, and then says why). Checked before credentials are minted for a client that
 * is not there. Always `runnable` on Windows, where executables are found by extension (the spawn
 * then says if one is missing).
 */
export async function lookUpClient(command: string, env: NodeJS.ProcessEnv): Promise<ClientLookup> {
  if (process.platform === 'win32') return 'runnable'
  let sawNonExecutable = false
  for (const entry of (env.PATH ?? DEFAULT_SEARCH_PATH).split(delimiter)) {
    // Joined by hand: path.join would fold `..` by text, the kernel folds it after symlinks.
    const path = `${entry === '' ? '.' : entry}/${command}`
    try {
      if (!(await stat(path)).isFile()) continue
    } catch (error) {
      if (isSkippedOnLookup(error)) continue
      return 'runnable'
    }
    try {
      await access(path, constants.X_OK)
      return 'runnable'
    } catch {
      sawNonExecutable = true
    }
  }
  return sawNonExecutable ? 'not executable' : 'missing'
}

// The errors execvp moves on from to the next PATH entry.
function isSkippedOnLookup(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES'
}
