import type { Log } from '../log.js'
import { type DataDirectoryLock, lockDataDirectory } from './data-dir-lock.js'

/**
 * Start a server on `dataDir` (when it has one) while holding the directory's lock: two
 * processes on one directory would each rewrite its files and lose the other's writes. `start`
 * gets the lock to release when its server closes; if starting fails, the lock is released here.
 * The registry and the standalone token service both start this way.
 */
export async function startWithDataDirectoryLock<T>(
  dataDir: string | undefined,
  log: Log,
  start: (lock: DataDirectoryLock | undefined) => Promise<T>,
): Promise<T> {
  const lock =
    dataDir === undefined
      ? undefined
      : await lockDataDirectory(dataDir, (pid) =>
          log.write({ level: 'info', msg: 'took over the lock of a stopped process', pid }),
        )
  try {
    return await start(lock)
  } catch (error) {
    await lock?.release()
    throw error
  }
}
