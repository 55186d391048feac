import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/**
 * Write `text` to `path` readable by its owner only (0600), atomically: a temporary file in the
 * same directory, flushed, then renamed over `path`, so a reader never sees half a file and a
 * secret never sits in a file others can read, even for a moment. Missing directories are created
 * with `dirMode`.
 */
export async function writePrivateFile(path: string, text: string, dirMode = 0o700): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: dirMode })
  const temporary = temporaryFileFor(path)
  const handle = await open(temporary, 'wx', 0o600)
  try {
    try {
      await handle.writeFile(text)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, path)
  } catch (error) {
    // A write that failed half-way (a full disk) must not leave part of a secret behind. The
    // write's error is the one to report, whatever the removal meets.
    await rm(temporary, { force: true }).catch(() => {})
    throw error
  }
}

/**
 * The name {@link writePrivateFile} writes `path`'s text under before the rename: hidden, in the
 * same directory, starting with `path`'s own name. A crash between write and rename leaves it
 * behind holding the text (a live secret, for the credential helper); named after its target, it
 * is found by whatever removes the target by name (`docker logout` erasing a host's files).
 */
export function temporaryFileFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
}
