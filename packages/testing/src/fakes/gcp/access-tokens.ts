import { randomBytes } from 'node:crypto'
import type { GcpClock } from './clock.js'

interface TokenRecord {
  /** The IAM member the token stands for, e.g. `serviceAccount:puller@p.iam.gserviceaccount.com`. */
  readonly member: string
  readonly expiresAtMs: number
  /** Whether the expiry is read on the machine's clock rather than the fake's. */
  readonly wallClock: boolean
}

/**
 * @internal Every OAuth access token the fake issued and whom it stands for. Google's APIs and
 * the registry answer a token they do not know, or one past its expiry, with 401.
 *
 * Tokens of the fake's caller expire on the machine's clock: the auth client that holds them
 * caches them by that clock and renews them only then, so moving the fake's clock on must not
 * strand a provider with a token its client still trusts. Impersonated tokens are handed to
 * users, who never renew them: those expire on the fake's clock, and `advanceClock` ends them.
 */
export class AccessTokens {
  readonly #tokens = new Map<string, TokenRecord>()

  constructor(private readonly clock: GcpClock) {}

  /** A token of the caller, valid for `seconds` of wall-clock time. */
  issueToCaller(member: string, seconds: number): string {
    const token = `ya29.fake-caller-${randomBytes(16).toString('hex')}`
    this.#tokens.set(token, { member, expiresAtMs: Date.now() + seconds * 1000, wallClock: true })
    return token
  }

  /**
   * A token of a service account, expiring `seconds` from now on the fake's clock, at a whole
   * second: the `expireTime` Google renders is the exact expiry.
   */
  issueToServiceAccount(email: string, seconds: number): { token: string; expiresAtMs: number } {
    const token = `ya29.fake-${randomBytes(16).toString('hex')}`
    const expiresAtMs = Math.floor((this.clock.now() + seconds * 1000) / 1000) * 1000
    this.#tokens.set(token, { member: `serviceAccount:${email}`, expiresAtMs, wallClock: false })
    return { token, expiresAtMs }
  }

  /** The member a token stands for, or `undefined` when the fake never issued it or it expired. */
  holder(token: string): string | undefined {
    const record = this.#tokens.get(token)
    if (record === undefined) return undefined
    const now = record.wallClock ? Date.now() : this.clock.now()
    return now < record.expiresAtMs ? record.member : undefined
  }
}
