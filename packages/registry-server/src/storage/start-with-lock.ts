import { stat } from 'node:fs/promises'
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
    if (lock !== undefined) await warnIfOpenToEveryone(lock.dir, log)
    return await start(lock)
  } catch (error) {
    await lock?.release()
    throw error
  }
}

/**
 * Say so when every local user may enter the data directory: a directory the server makes is
 * 0700, but one that was there keeps its mode (see `lockDataDirectory`), and the blobs and
 * manifests in it are readable as the umask allows, so anyone on the machine can read every image
 * pushed (the credentials and keys are kept 0600 apart). Logged as an error, shown at the default
 * level, since nothing else would tell the operator; the server starts all the same. Group access
 * alone may be meant (backups).
 */
async function warnIfOpenToEveryone(dir: string, log: Log): Promise<void> {
  if (process.platform === 'win32') return // no mode bits to read
  const mode = (await stat(dir)).mode & 0o777
  if ((mode & 0o007) === 0) return
  log.write({
    level: 'error',
    msg: 'every local user can enter the data directory: chmod 700 it unless that is meant',
    dataDir: dir,
    mode: `0${mode.toString(8)}`,
  })
}
