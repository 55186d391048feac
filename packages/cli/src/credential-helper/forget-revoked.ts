import { lstat, readdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { CredentialsToRevoke } from '../credential-revocation.js'
import { type CachedCredentials, cacheDir, readCacheFile } from './cache.js'
import { isCacheFileName } from './cache-key.js'

/**
 * Which cached credentials a revocation took back: as {@link CredentialsToRevoke} names them, or
 * every one under a namespace (`deprovision local` revokes every credential of its binding's).
 */
export type RevokedCredentials = CredentialsToRevoke | { namespace: string }

/** What {@link forgetRevokedCredentials} did: files removed, and what it could not do. */
export interface ForgottenCredentials {
  /** How many cache files it removed. */
  removed: number
  /** One line per problem (a directory it would not enter, a file it could not remove). */
  problems: string[]
}

/**
 * Remove from this user's credential helper cache the credentials a revocation took back on
 * `registry` (`host[:port]`): every one of the repository or of a repository under the namespace,
 * or the one with the username. Without
 * this, docker kept getting the revoked credential from the cache, refused, until its reuse
 * limit, although a new one could be minted. Entries of another registry are kept, even for a
 * repository of the same name. Nothing is followed through a symbolic link: a cache directory that
 * is one, or of another user, is left alone (the helper refuses it too), and a file is read only
 * as the helper would trust it. Never throws: problems are returned, since the revocation itself
 * already succeeded.
 */
export async function forgetRevokedCredentials(
  env: NodeJS.ProcessEnv,
  registry: string,
  which: RevokedCredentials,
): Promise<ForgottenCredentials> {
  const dir = cacheDir(env)
  const problems: string[] = []
  let names: string[]
  try {
    const info = await lstat(dir)
    if (!info.isDirectory()) return { removed: 0, problems: [`${dir} is not a directory`] }
    const uid = process.getuid?.()
    if (uid !== undefined && info.uid !== uid) {
      return { removed: 0, problems: [`${dir} belongs to another user (uid ${info.uid})`] }
    }
    names = await readdir(dir)
  } catch (error) {
    // No cache yet: nothing was cached, nothing to forget.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { removed: 0, problems }
    return { removed: 0, problems: [`${dir}: ${reason(error)}`] }
  }
  let removed = 0
  for (const name of names.filter(isCacheFileName)) {
    const file = join(dir, name)
    const cached = await readCacheFile(file)
    if (cached === undefined || !isRevoked(cached, registry, which)) continue
    try {
      // unlink removes a link itself, never what it points to.
      await unlink(file)
      removed += 1
    } catch (error) {
      // Gone meanwhile (an `erase`, another revoke): what was asked is done.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        problems.push(`${file}: ${reason(error)}`)
      }
    }
  }
  return { removed, problems }
}

/**
 * After credentials were revoked (`revoke`, `deprovision local`) or their repository deleted
 * (`repo delete`, which revokes them where the platform can), drop them from the credential helper's cache, or docker
 * keeps getting the refused credential from it until its reuse limit. Done whatever the count (a
 * credential revoked before, by a CLI that left it cached, is refused all the same). A problem is
 * a warning on stderr: the revocation succeeded, and `docker logout <host>` drops the host's
 * cached credentials.
 *
 * @param endpoint the registry endpoint the binding mints for (`registry.registryEndpoint`)
 */
export async function forgetCachedCredentials(
  io: { env: NodeJS.ProcessEnv; stderr: { write(text: string): unknown } },
  endpoint: string,
  which: RevokedCredentials,
): Promise<void> {
  // The host credentials are minted for, as the helper's cache files record it.
  const host = URL.canParse(endpoint) ? new URL(endpoint).host : undefined
  const { problems } =
    host === undefined
      ? { problems: [`the registry endpoint ${JSON.stringify(endpoint)} names no host`] }
      : await forgetRevokedCredentials(io.env, host, which)
  for (const problem of problems) {
    io.stderr.write(
      `warning: the credential helper's cache could not drop the revoked credentials (${problem}); docker logout <host> drops the host's cached credentials\n`,
    )
  }
}

function isRevoked(
  cached: Partial<CachedCredentials>,
  registry: string,
  which: RevokedCredentials,
): boolean {
  if (typeof cached.registry !== 'string') return false
  if (cached.registry.toLowerCase() !== registry.toLowerCase()) return false
  if ('namespace' in which) {
    return (
      typeof cached.repository === 'string' && cached.repository.startsWith(`${which.namespace}/`)
    )
  }
  return 'repository' in which
    ? cached.repository === which.repository
    : cached.username === which.username
}

function reason(error: unknown): string {
  return (
    (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : 'failed')
  )
}
