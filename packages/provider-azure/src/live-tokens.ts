/**
 * Tokens this provider knows to hold a password that has not expired, because it generated that
 * password itself: for each token name, the latest expiry of a password it generated for it.
 *
 * Knowing a token is live only ever saves a read whose sole use is to find an expired token to
 * delete: a token holding a live password is not expired, and no later password generation makes
 * it so (a new password takes an empty or expired slot, or the slot of the password that expires
 * first, so the latest expiry never goes down). A token deleted or emptied by someone else in the
 * meantime is found once that expiry passes, when it is read again. Nothing here decides what a
 * credential may do, and each provider has its own: a binding never sees another's
 * (docs/cloud-calls.md#the-other-permissions-token).
 */
export class LiveTokens {
  readonly #until = new Map<string, number>()

  /** Record that a password of token `name` is valid until `expiresAt` (ms since the epoch). */
  issued(name: string, expiresAt: number): void {
    this.#until.set(name, Math.max(expiresAt, this.#until.get(name) ?? Number.NEGATIVE_INFINITY))
  }

  /** Whether token `name` holds a password this provider generated that is valid after `now`. */
  isLive(name: string, now: number): boolean {
    const until = this.#until.get(name)
    if (until === undefined) return false
    if (until > now) return true
    this.#until.delete(name)
    return false
  }

  /** Forget token `name`: it was deleted. */
  forget(name: string): void {
    this.#until.delete(name)
  }
}
