import { mkdir } from 'node:fs/promises'
import { dirname, relative, resolve } from 'node:path'
import { syncDirectory } from './atomic-write.js'

/**
 * Make `dir` (and any missing parents) so that the new folders survive a power loss: each folder
 * made is recorded in its parent's entries, which are only on disk once the parent is flushed.
 * Without it, a blob renamed into a new fan-out folder (`blobs/sha256/ab/`) and flushed there
 * could, on a filesystem that does not order metadata, be lost with the folder while the link
 * that points at it survived. Only a folder that did not exist costs flushes: the common case is
 * one `mkdir` that makes nothing.
 *
 * @param sync flushes one folder (a parameter for tests)
 */
export async function makeDirectoryDurably(
  dir: string,
  sync: (path: string) => Promise<void> = syncDirectory,
): Promise<void> {
  const first = await mkdir(dir, { recursive: true })
  if (first === undefined) return
  // From the deepest folder made up to the parent of the first one made, each holds a new entry.
  const target = resolve(dir)
  const top = dirname(resolve(first))
  for (let at = target; ; at = dirname(at)) {
    await sync(at)
    if (at === top || relative(top, at).startsWith('..') || dirname(at) === at) return
  }
}
