import { createHash } from 'node:crypto'

// The longest file name, in bytes, that ext4, XFS, Btrfs, ZFS and APFS all take.
const MAX_FILE_NAME_BYTES = 255
const SUFFIX = '.json'
// Repository names never hold a `~` and encodeURIComponent leaves it as it is, so no readable
// file name starts with one: the two kinds of file name cannot collide.
const HASHED_PREFIX = '~'

/**
 * The file a repository's record is kept in, inside the `repositories` folder: its name
 * percent-encoded (`team%2Fapp.json`) while that fits in one file name, else `~<sha256 of the
 * name>.json`. Every name the grammar allows (up to 255 characters, as many `/` as it likes)
 * thus maps to one component of at most 70 or 255 bytes; the record itself holds the clear name.
 * Short names map exactly as before names were hashed, so existing data directories read as
 * they are.
 */
export function repositoryFileName(name: string): string {
  const readable = `${encodeURIComponent(name)}${SUFFIX}`
  if (Buffer.byteLength(readable) <= MAX_FILE_NAME_BYTES) return readable
  return `${HASHED_PREFIX}${createHash('sha256').update(name).digest('hex')}${SUFFIX}`
}

/** Whether a file of the `repositories` folder is a record (and not, say, an editor's backup). */
export function isRepositoryFile(file: string): boolean {
  return file.endsWith(SUFFIX)
}

/**
 * The name a readable file name spells; `undefined` for a hashed one or one that is not
 * percent-encoding, whose record must say the name.
 */
export function nameInFileName(file: string): string | undefined {
  if (file.startsWith(HASHED_PREFIX)) return undefined
  try {
    return decodeURIComponent(file.slice(0, -SUFFIX.length))
  } catch {
    return undefined
  }
}
