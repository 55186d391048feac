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
 * is found by whatever removes the target by name (`docker logout` erasing a host's files). A
 * name too long to take the additions is cut to fit, from its end, so it keeps its start.
 */
export function temporaryFileFor(path: string): string {
  const suffix = `.${randomBytes(6).toString('hex')}.tmp`
  // A file name holds 255 bytes at most: a target that uses nearly all of them (`provision
  // --output` writes one the user names) must not make its temporary file ENAMETOOLONG.
  const room = MAX_NAME_BYTES - 1 - suffix.length
  let stem = ''
  for (const char of basename(path)) {
    if (Buffer.byteLength(stem + char) > room) break
    stem += char
  }
  return join(dirname(path), `.${stem}${suffix}`)
}

/** The longest file name, in bytes, that common filesystems take (ext4, XFS, APFS, tmpfs). */
const MAX_NAME_BYTES = 255
