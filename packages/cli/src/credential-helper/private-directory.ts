import { chmod, lstat, mkdir } from 'node:fs/promises'
import { ArtifactRegistryError } from '@artifact-registry/core'

/**
 * Make sure `dir` is a directory only this user can enter (0700) before a secret goes in or comes
 * out of it. `mkdir`'s mode applies only when it creates the directory, so an existing one is
 * checked: one of ours that others may read is narrowed to 0700; a symbolic link, a file, or a
 * directory of another user is refused, since whoever controls it could read or plant credentials.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming the directory and what to do.
 */
export async function ensurePrivateDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  // lstat: a symbolic link is judged itself, not by where it points.
  const info = await lstat(dir)
  if (!info.isDirectory()) {
    throw refused(dir, 'is a symbolic link or not a directory')
  }
  const uid = process.getuid?.()
  if (uid !== undefined && info.uid !== uid) {
    throw refused(dir, `belongs to another user (uid ${info.uid})`)
  }
  if ((info.mode & 0o077) === 0) return
  await chmod(dir, 0o700)
  // A file system without Unix modes (vfat, CIFS, WSL's drvfs) takes the chmod and changes
  // nothing: every file in it stays open to others whatever mode it is created with, so the
  // secrets the helper would write there are refused rather than left readable.
  if (((await lstat(dir)).mode & 0o077) !== 0) {
    throw refused(dir, 'stays open to others after chmod 0700 (a file system without Unix modes?)')
  }
}

function refused(dir: string, problem: string): ArtifactRegistryError {
  return new ArtifactRegistryError(
    'INVALID_CONFIG',
    `The credential cache ${dir} ${problem}: remove it (it is made again, private) or set XDG_CACHE_HOME`,
    { issues: [{ path: dir, message: problem }] },
  )
}
