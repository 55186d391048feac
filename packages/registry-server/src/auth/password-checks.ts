import { OciError } from '../oci-errors.js'
import { clientGroup } from './client-group.js'

// How many clients' failures are remembered: enough for the flooders of the moment, bounded so
// that a flood from ever-new addresses cannot grow it.
const REMEMBERED_CLIENTS = 1024

/** How many slow password checks run at once, and how many may wait for their turn. */
export interface PasswordCheckLimits {
  /** What is checked, for the 429's detail ("admin password checks"). */
  what: string
  /** Checks running at once. */
  running: number
  /** Checks waiting for a turn; one more pushes a waiting one out (see {@link PasswordChecks}). */
  waiting: number
  /** The `Retry-After` of the 429 a check pushed out is answered with, in seconds. */
  retryAfterSeconds: number
}

/**
 * The admin's password hash is checked one at a time (each check is some 100–200 ms of scrypt
 * and 32 MiB, on the thread pool file I/O shares), with at most three waiting: whatever is sent,
 * a new check starts within about four checks' time, and `close` waits for four at the most.
 */
export const ADMIN_PASSWORD_CHECKS: PasswordCheckLimits = {
  what: 'admin password checks',
  running: 1,
  waiting: 3,
  retryAfterSeconds: 1,
}

interface Waiter {
  resolve: (ok: boolean) => void
  reject: (error: unknown) => void
}

interface Check {
  key: string
  /** Where the check's first caller came from (its address): whose line it is in. */
  client: string | undefined
  run: () => Promise<boolean>
  waiters: Set<Waiter>
}

/**
 * A line for slow checks (a password against its hash), so that checks sent in a burst cost a
 * bounded amount of work instead of a hash each:
 *
 * - at most `running` run at once and `waiting` wait, first come first served;
 * - one more pushes a waiting check out, never run: its callers get 429 `TOOMANYREQUESTS` with
 *   `Retry-After`. It is a check of the client (see {@link clientGroup}) with the most checks
 *   waiting; among those, of the one whose checks failed most often lately; then the oldest. A
 *   flood of wrong passwords, from one address or a few taking turns, so pushes out its own
 *   checks and not those of an admin who has not failed (who must get through to revoke a leaked
 *   credential). Within one client the newest are kept: the oldest are the likeliest to have
 *   been given up, and whoever comes after a burst gets a turn;
 * - callers asking about the same `key` (the same secret) while it waits or runs share its one
 *   check: a client sending the right password on several requests at once costs one check;
 * - a caller whose `signal` aborts (its client went away) stops waiting and gets `false`; a check
 *   whose callers have all gone is dropped before it runs.
 */
export class PasswordChecks {
  readonly #limits: PasswordCheckLimits
  readonly #checks = new Map<string, Check>()
  readonly #waiting: Check[] = []
  // Failed checks per client group, the most recent last; the oldest forgotten past the bound.
  readonly #failures = new Map<string | undefined, number>()
  #running = 0

  constructor(limits: PasswordCheckLimits) {
    this.#limits = limits
  }

  /**
   * Run `run` for `key` in turn, or share the check of `key` already waiting or running.
   * Resolves to its result, or to `false` once `signal` aborts. `client` is where the request
   * came from (its address), to share the line out (see the class).
   * @throws OciError TOOMANYREQUESTS (429, `Retry-After`) when the check is pushed out of the line
   */
  check(
    key: string,
    run: () => Promise<boolean>,
    signal?: AbortSignal,
    client?: string,
  ): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false)
    let check = this.#checks.get(key)
    if (check === undefined) {
      check = { key, client: clientGroup(client), run, waiters: new Set() }
      this.#checks.set(key, check)
      this.#waiting.push(check)
    }
    const joined = check
    const result = new Promise<boolean>((resolve, reject) => {
      const onAbort = (): void => {
        joined.waiters.delete(waiter)
        // Not started and nobody left to answer: it is not run at all.
        if (joined.waiters.size === 0 && this.#waiting.includes(joined)) this.#drop(joined)
        resolve(false)
      }
      const waiter: Waiter = {
        resolve: (ok) => {
          signal?.removeEventListener('abort', onAbort)
          resolve(ok)
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort)
          reject(error)
        },
      }
      joined.waiters.add(waiter)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
    this.#next()
    // The line holds one too many only when the new check could not start.
    if (this.#waiting.length > this.#limits.waiting) {
      const pushedOut = this.#pushedOut()
      this.#drop(pushedOut)
      const refusal = this.#tooMany()
      for (const waiter of pushedOut.waiters) waiter.reject(refusal)
    }
    return result
  }

  /** How many checks run and wait now. */
  get pending(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length }
  }

  #next(): void {
    while (this.#running < this.#limits.running) {
      const check = this.#waiting.shift()
      if (check === undefined) return
      this.#running += 1
      const settled = (settle: (waiter: Waiter) => void): void => {
        if (this.#checks.get(check.key) === check) this.#checks.delete(check.key)
        this.#running -= 1
        for (const waiter of check.waiters) settle(waiter)
        this.#next()
      }
      check.run().then(
        (ok) => {
          if (!ok) this.#failed(check.client)
          settled((waiter) => waiter.resolve(ok))
        },
        (error: unknown) => settled((waiter) => waiter.reject(error)),
      )
    }
  }

  // A check of the client with the most waiting, then with the most failures, then the oldest
  // (the line is in arrival order).
  #pushedOut(): Check {
    const counts = new Map<string | undefined, number>()
    for (const { client } of this.#waiting) counts.set(client, (counts.get(client) ?? 0) + 1)
    const score = ({ client }: Check): [number, number] => [
      counts.get(client) ?? 0,
      this.#failures.get(client) ?? 0,
    ]
    let pushed = this.#waiting[0] as Check
    for (const check of this.#waiting) {
      const [count, failures] = score(check)
      const [bestCount, bestFailures] = score(pushed)
      if (count > bestCount || (count === bestCount && failures > bestFailures)) pushed = check
    }
    return pushed
  }

  #failed(client: string | undefined): void {
    const failures = (this.#failures.get(client) ?? 0) + 1
    this.#failures.delete(client)
    this.#failures.set(client, failures)
    if (this.#failures.size > REMEMBERED_CLIENTS) {
      const oldest = this.#failures.keys().next().value
      this.#failures.delete(oldest)
    }
  }

  #drop(check: Check): void {
    const at = this.#waiting.indexOf(check)
    if (at >= 0) this.#waiting.splice(at, 1)
    if (this.#checks.get(check.key) === check) this.#checks.delete(check.key)
  }

  #tooMany(): OciError {
    return new OciError('TOOMANYREQUESTS', {
      detail: { limit: `${this.#limits.what} waiting`, max: this.#limits.waiting },
      headers: { 'Retry-After': String(this.#limits.retryAfterSeconds) },
    })
  }
}
