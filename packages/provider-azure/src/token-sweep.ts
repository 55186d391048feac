import type { AcrTokens } from './acr-tokens.js'
import type { Clock } from './clock.js'
import type { ScopeMaps } from './scope-map.js'
import { boundScopeMapName, expiryOf, isBoundTo, isDisposable, ownerOf } from './token-ownership.js'

/** What {@link sweepExpiredTokens} needs. */
export interface TokenSweepDeps {
  readonly tokens: AcrTokens
  readonly scopeMaps: ScopeMaps
  readonly clock: Clock
  /**
   * Whether a repository is this binding's. Another binding's (another prefix on the same
   * registry) are not ours to change, even when their tokens look like ours and have expired.
   */
  readonly manages: (repository: string) => boolean
  /**
   * Run `operation` as the next operation on `repository`'s tokens when no other operation of
   * this instance is on them now, holding them until it settles; `undefined` (and nothing run)
   * when one is: that call may be about to give the token a password.
   */
  readonly claimIfIdle: <T>(
    repository: string,
    operation: () => Promise<T>,
  ) => Promise<T> | undefined
}

/**
 * Most tokens one sweep deletes, those expired longest first. Every delete is an ARM write the
 * rate limiter paces (10 a minute on Basic): deleting every idle token at once could keep one
 * `generateCredentials` waiting for minutes, while this many leave room for as many new tokens.
 */
export const SWEEP_BATCH = 10

/**
 * Delete tokens of this provider whose passwords have all expired, to make room under the
 * registry's token quota; returns how many were deleted. A token is only deleted when
 * {@link ownerOf} says we made it (its name and scope map are the ones we give a repository) for
 * a repository of this binding (`manages`), when no call of this instance is working on its
 * repository, and when, read again while its repository is held, it is still bound to its scope
 * map with every password expired and is not disabled (an administrator's stop, which deleting
 * it would undo).
 */
export async function sweepExpiredTokens(deps: TokenSweepDeps): Promise<number> {
  const { tokens, scopeMaps, clock, manages, claimIfIdle } = deps
  const [all, maps] = await Promise.all([tokens.list(), scopeMaps.list()])
  const now = clock.now()
  const expired = all
    .filter((token) => isDisposable(token, now))
    .flatMap((token) => {
      const owner = ownerOf(token, maps)
      if (owner === undefined || token.name === undefined || !manages(owner.repository)) return []
      const mapName = boundScopeMapName(owner.repository, owner.permission)
      return [{ name: token.name, mapName, repository: owner.repository, since: lastExpiry(token) }]
    })
    .sort((a, b) => a.since - b.since)
    .slice(0, SWEEP_BATCH)
  // Claimed in one go, before any await, so no call of this instance starts on one in between.
  const deletions = expired.map(({ name, mapName, repository }) =>
    claimIfIdle(repository, async () => {
      // A call that ran since the list, here or in another process, may have given it a password;
      // an administrator may have disabled it.
      const current = await tokens.getNamed(name)
      if (current === undefined || !isBoundTo(current, mapName)) return false
      if (!isDisposable(current, clock.now())) return false
      await tokens.deleteNamed(name)
      return true
    }),
  )
  const deleted = await Promise.all(deletions)
  return deleted.filter((d) => d === true).length
}

// --- Internal ---

/** When the last of the token's passwords expired, in ms. */
function lastExpiry(token: { credentials?: { passwords?: { expiry?: Date }[] } }): number {
  return Math.max(...(token.credentials?.passwords ?? []).map((p) => expiryOf(p.expiry)))
}
