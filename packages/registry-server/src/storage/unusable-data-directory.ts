import { relative, resolve } from 'node:path'

/** File-system failures that say the data directory itself cannot be used, and why. */
const UNUSABLE: Readonly<Record<string, string>> = {
  ENOTDIR: 'it, or a path it needs, is a file, not a directory',
  EACCES: 'this process may not read or write there',
  EPERM: 'this process may not read or write there',
  EROFS: 'it is on a read-only file system',
  ELOOP: 'a symbolic link in its path loops',
  ENAMETOOLONG: 'its path is too long',
}

/**
 * Why a registry could not start on `dataDir`, when `error` (from starting it) says the
 * directory itself is unusable: a file where a directory must be, a place this process may not
 * write, a read-only file system. `undefined` for any other error, and for a failure on a path
 * outside `dataDir` (a TLS file, say), which its own caller names. Callers turn the reason into
 * an error that names their option (`dataDir`, `--data`): Node's bare `ENOTDIR` says neither
 * which option nor what to do.
 */
export function whyDataDirectoryUnusable(dataDir: string, error: unknown): string | undefined {
  const { code, path, syscall } = (error ?? {}) as NodeJS.ErrnoException
  if (code === undefined || path === undefined) return undefined
  if (relative(resolve(dataDir), resolve(path)).startsWith('..')) return undefined
  // mkdir answers EEXIST for a file where it must make a directory; elsewhere (an exclusive
  // create) EEXIST means something else.
  if (code === 'EEXIST') return syscall === 'mkdir' ? UNUSABLE.ENOTDIR : undefined
  return UNUSABLE[code]
}
