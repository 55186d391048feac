import { mkdir } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { syncDirectory } from './atomic-write.js'

// Calls run one at a time. A call whose `mkdir` makes nothing, because another call has just
// made the folder, must not return before that folder is flushed into its parent: it could rename
// a blob into it, acknowledge it, and lose it with the folder on a power loss. Tracking folders
// being flushed cannot close that gap (the second `mkdir` may complete before the first call has
// recorded anything); a queue does, and a `mkdir` that makes nothing takes well under a
// millisecond, far less than the commit that asks for it.
let queue: Promise<void> = Promise.resolve()

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
export function makeDirectoryDurably(
  dir: string,
  sync: (path: string) => Promise<void> = syncDirectory,
): Promise<void> {
  const run = queue.then(() => makeAndFlush(dir, sync))
  queue = run.catch(() => {})
  return run
}

async function makeAndFlush(dir: string, sync: (path: string) => Promise<void>): Promise<void> {
  // Absolute and normalized (no trailing or doubled `/`), so `mkdir` reports an absolute ancestor.
  const target = resolve(dir)
  const first = await mkdir(target, { recursive: true })
  if (first !== undefined) await flushUp(target, dirname(first), sync)
}

/** Flush from the deepest folder made up to `top`, the parent of the first one made. */
async function flushUp(
  target: string,
  top: string,
  sync: (path: string) => Promise<void>,
): Promise<void> {
  for (let at = target; ; at = dirname(at)) {
    await sync(at)
    if (at === top || dirname(at) === at) return
  }
}
