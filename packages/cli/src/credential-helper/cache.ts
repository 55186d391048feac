import { constants } from 'node:fs'
import { type FileHandle, open, readdir, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { writePrivateFile } from '../private-file.js'
import { hostFilePrefix } from './cache-key.js'

/** Credentials as the cache keeps them between helper runs. */
export interface CachedCredentials {
  username: string
  secret: string
  /**
   * The registry (`host[:port]`) the credentials were minted on, and the repository they were
   * minted for: `revoke` reads them to drop what it revoked (the file's name is a hash, and tells
   * neither). Inside the private file they reveal nothing the name hides.
   */
  registry: string
  repository: string
  /** ISO 8601. */
  expiresAt: string
  /** When they stop being handed out: {@link reuseUntil} of their lifetime. */
  reuseUntil: string
}

/** The longest margin kept before expiry: a docker push that starts just before must still finish. */
export const MAX_EXPIRY_MARGIN_MS: number = 5 * 60_000

/**
 * When minted credentials stop being reused: 5 minutes before they expire, or halfway through
 * their lifetime when that is shorter than 10 minutes (so a 60 s credential is reused for 30 s).
 * Never after they expire: credentials that expired before they were minted (a clock ahead of the
 * platform's, a slow mint of a short TTL) are not reused at all.
 */
export function reuseUntil(mintedAt: Date, expiresAt: Date): Date {
  const lifetime = expiresAt.getTime() - mintedAt.getTime()
  // Half of a negative lifetime would be a margin after the expiry.
  const margin = Math.min(MAX_EXPIRY_MARGIN_MS, Math.max(0, lifetime / 2))
  return new Date(expiresAt.getTime() - margin)
}

/**
 * The cache directory: `$XDG_CACHE_HOME/artifact-registry/credential-helper`, else under
 * `~/.cache`. A relative `XDG_CACHE_HOME` is ignored, as the XDG base directory specification
 * says: docker runs the helper in whatever directory it was started in, so a relative one put
 * live secrets in each project's working tree (where `git add -A` takes them), and `revoke`, run
 * from elsewhere, never found them to drop.
 */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  const given = env.XDG_CACHE_HOME
  const base = given && isAbsolute(given) ? given : join(homedir(), '.cache')
  return join(base, 'artifact-registry', 'credential-helper')
}

/**
 * One cache file of the helper, named by `cacheFileName`: a config, binding or identity
 * change gives another file, so it never hands out credentials minted for something else.
 */
export class CredentialCache {
  readonly file: string

  /** `dir` must have passed `ensurePrivateDirectory`. */
  constructor(dir: string, name: string) {
    this.file = join(dir, name)
  }

  /**
   * The cached credentials while they may still be reused at `now`; `undefined` when there are
   * none, they are too close to expiry, they have no valid expiry or one no later than their
   * `reuseUntil` (a file from before that was always so, or damaged: handing them out could hand
   * out expired credentials), or the file is not a regular file private to this user (a symbolic
   * link is not followed: it is never trusted, and the next write replaces it).
   */
  async read(now: Date): Promise<CachedCredentials | undefined> {
    const cached = await readCacheFile(this.file)
    if (cached === undefined) return undefined
    const { username, secret, registry, repository } = cached
    // A file without the registry or repository (written before they were kept) could not be
    // dropped by `revoke`: minted again, it gets them.
    if (![username, secret, registry, repository].every((field) => typeof field === 'string')) {
      return undefined
    }
    const until = Date.parse(cached.reuseUntil ?? '')
    // NaN (a missing or invalid date) fails both comparisons.
    if (!(until > now.getTime() && until <= Date.parse(cached.expiresAt ?? ''))) return undefined
    return cached as CachedCredentials
  }

  /** Keep credentials in a 0600 file, written atomically (a rename replaces a link, never follows it). */
  async write(credentials: CachedCredentials): Promise<void> {
    await writePrivateFile(this.file, JSON.stringify(credentials))
  }
}

/**
 * What a cache file holds, when it is a regular file of this user that others cannot read, opened
 * without following a symbolic link (a link is never trusted: `undefined`, as for a missing,
 * unreadable or damaged file). `O_NONBLOCK`: a FIFO planted under the name cannot hang the open.
 */
export async function readCacheFile(path: string): Promise<Partial<CachedCredentials> | undefined> {
  let handle: FileHandle
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch {
    // Missing, unreadable, or a symbolic link (ELOOP).
    return undefined
  }
  try {
    const info = await handle.stat()
    if (!info.isFile() || (info.mode & 0o077) !== 0 || info.uid !== process.getuid?.()) {
      return undefined
    }
    const parsed: unknown = JSON.parse(await handle.readFile('utf8'))
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Partial<CachedCredentials>)
      : undefined
  } catch {
    return undefined
  } finally {
    await handle.close()
  }
}

/**
 * Forget every cached credential of `host`, whatever binding or identity it was minted for,
 * temporary files a crash left behind mid-write included (see `temporaryFileFor`).
 */
export async function eraseHost(dir: string, host: string): Promise<void> {
  const prefix = hostFilePrefix(host)
  const ofHost = (name: string): boolean =>
    name.startsWith(prefix) || (name.startsWith(`.${prefix}`) && name.endsWith('.tmp'))
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return
  }
  await Promise.all(names.filter(ofHost).map((name) => rm(join(dir, name), { force: true })))
}
