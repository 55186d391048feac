import { randomBytes } from 'node:crypto'
import { open, rename, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/**
 * Write a file so that a crash at any instant leaves either the old or the new content: write a
 * temp file in `tmpDir` (same filesystem), fsync it, rename it over the target, fsync the folder.
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  tmpDir: string,
  mode = 0o644,
): Promise<void> {
  const temp = join(tmpDir, `${randomBytes(8).toString('hex')}.tmp`)
  const file = await open(temp, 'w', mode)
  try {
    try {
      await file.writeFile(data)
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(temp, path)
  } catch (err) {
    // Whatever step failed, the temp file goes: on a full disk, each failed write (a manifest
    // PUT retried, a record rewritten) otherwise kept its part-written file, and the space an
    // operator freed went to them until the next start.
    await unlink(temp).catch(() => {})
    throw err
  }
  await syncDirectory(dirname(path))
}

/** fsync a directory so a rename into it is durable. */
export async function syncDirectory(path: string): Promise<void> {
  const dir = await open(path, 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}

/** Flush a file's data to disk (`fdatasync`). */
export async function syncFileData(path: string): Promise<void> {
  // r+ rather than r: some systems refuse to flush a file opened read-only.
  const file = await open(path, 'r+')
  try {
    await file.datasync()
  } finally {
    await file.close()
  }
}
