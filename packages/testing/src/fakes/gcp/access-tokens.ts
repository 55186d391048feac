import { randomBytes } from 'node:crypto'
import type { GcpClock } from './clock.js'

interface TokenRecord {
  /** The IAM member the token stands for, e.g. `serviceAccount:puller@p.iam.gserviceaccount.com`. */
  readonly member: string
  readonly expiresAtMs: number
  /** Whether the expiry is read on the machine's clock rather than the fake's. */
  readonly wallClock: boolean
  /** For a service account's token: the email and unique id of the account it was minted for. */
  readonly account?: { readonly email: string; readonly uid: string }
  /** The OAuth scopes it was minted with: they limit it whatever roles its holder has. */
  readonly scopes: readonly string[]
}

/** @internal The scope of Google Cloud as a whole, what an identity's own environment grants. */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform'

// What the fake's token endpoint grants its caller (and says so in its answer).
const CALLER_SCOPES = [CLOUD_PLATFORM_SCOPE]

/**
 * @internal The unique id of the live service account of an email, or `undefined` when there is
 * none (never created, or deleted).
 */
export type AccountUidOf = (email: string) => string | undefined

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

  /**
   * @param accountUidOf who each service account email names now: a token stands for the account
   *   it was minted for, so it ends with that account's deletion, and never passes for a new
   *   account created under the same email (IAM's separate identity, with a new unique id).
   */
  constructor(
    private readonly clock: GcpClock,
    private readonly accountUidOf: AccountUidOf = () => undefined,
  ) {}

  /** A token of the caller, valid for `seconds` of wall-clock time. */
  issueToCaller(member: string, seconds: number): string {
    const token = `ya29.fake-caller-${randomBytes(16).toString('hex')}`
    this.#tokens.set(token, {
      member,
      expiresAtMs: Date.now() + seconds * 1000,
      wallClock: true,
      scopes: CALLER_SCOPES,
    })
    return token
  }

  /**
   * A token of a service account with the OAuth `scopes` asked for, expiring `seconds` from now
   * on the fake's clock, at a whole second: the `expireTime` Google renders is the exact expiry.
   */
  issueToServiceAccount(
    email: string,
    seconds: number,
    scopes: readonly string[],
  ): { token: string; expiresAtMs: number } {
    const token = `ya29.fake-${randomBytes(16).toString('hex')}`
    const expiresAtMs = Math.floor((this.clock.now() + seconds * 1000) / 1000) * 1000
    const uid = this.accountUidOf(email)
    this.#tokens.set(token, {
      member: `serviceAccount:${email}`,
      expiresAtMs,
      wallClock: false,
      scopes: [...scopes],
      ...(uid === undefined ? {} : { account: { email, uid } }),
    })
    return { token, expiresAtMs }
  }

  /**
   * The member a token stands for, or `undefined` when the fake never issued it, it expired, or
   * the service account it was minted for no longer exists.
   */
  holder(token: string): string | undefined {
    const record = this.#tokens.get(token)
    if (record === undefined) return undefined
    const now = record.wallClock ? Date.now() : this.clock.now()
    if (now >= record.expiresAtMs) return undefined
    // Google: once an account is deleted, nothing acts as it any more.
    const { account } = record
    if (account !== undefined && this.accountUidOf(account.email) !== account.uid) return undefined
    return record.member
  }

  /** The OAuth scopes a token was minted with; none for a token the fake never issued. */
  scopes(token: string): readonly string[] {
    return this.#tokens.get(token)?.scopes ?? []
  }
}
