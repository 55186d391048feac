import { createHash } from 'node:crypto'
import { readFile, rm, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { writePrivateFile } from '../private-file.js'
import type { HelperHostConfig } from './config.js'

/** Credentials as the cache keeps them between helper runs. */
export interface CachedCredentials {
  username: string
  secret: string
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
 */
export function reuseUntil(mintedAt: Date, expiresAt: Date): Date {
  const lifetime = expiresAt.getTime() - mintedAt.getTime()
  const margin = Math.min(MAX_EXPIRY_MARGIN_MS, lifetime / 2)
  return new Date(expiresAt.getTime() - margin)
}

/** The cache directory: `$XDG_CACHE_HOME/artifact-registry/credential-helper`, else under `~/.cache`. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache')
  return join(base, 'artifact-registry', 'credential-helper')
}

/**
 * The cache of one host's entry. The file is named after the host and the entry, so a config
 * change (another repository, permission or binding) never hands out the old credentials.
 */
export class CredentialCache {
  readonly file: string

  constructor(dir: string, host: string, entry: HelperHostConfig) {
    const key = createHash('sha256')
      .update(JSON.stringify({ host, ...entry }))
      .digest('hex')
    this.file = join(dir, `${key.slice(0, 32)}.json`)
  }

  /**
   * The cached credentials while they may still be reused at `now`; `undefined` when there are
   * none, they are too close to expiry, or the file is not private to this user (then it is
   * never trusted).
   */
  async read(now: Date): Promise<CachedCredentials | undefined> {
    try {
      const info = await stat(this.file)
      if ((info.mode & 0o077) !== 0 || info.uid !== process.getuid?.()) return undefined
      const cached = JSON.parse(await readFile(this.file, 'utf8')) as Partial<CachedCredentials>
      if (typeof cached.username !== 'string' || typeof cached.secret !== 'string') return undefined
      if (!(Date.parse(cached.reuseUntil ?? '') > now.getTime())) return undefined
      return cached as CachedCredentials
    } catch {
      // Missing or unreadable: mint again.
      return undefined
    }
  }

  /** Keep credentials in a 0600 file (0700 directory), written atomically. */
  async write(credentials: CachedCredentials): Promise<void> {
    await writePrivateFile(this.file, JSON.stringify(credentials))
  }

  /** Forget the cached credentials (`erase`). */
  async erase(): Promise<void> {
    await rm(this.file, { force: true })
  }
}
