import { randomBytes } from 'node:crypto'
import type { PrincipalDirectory } from './principals.js'

/** A caller of another account than the fake's: the grantee of a cross-account grant. */
export interface ForeignCaller {
  /** The caller's own account. */
  readonly accountId: string
  /**
   * The ARNs a repository policy may name the caller by, besides its account: an assumed-role
   * session's own ARN and its role's, or an IAM user's ARN.
   */
  readonly arns: readonly string[]
  /** The role a session belongs to, with the unique id it had when the session began. */
  readonly role?: { readonly arn: string; readonly id: string | undefined }
  /** When a role session ends (fake ms); a user's long-term keys do not. */
  readonly sessionEndsAt?: number
}

/** What {@link ForeignIdentities.issue} is asked for. */
export interface ForeignIdentityRequest {
  /** The 12-digit account the identity belongs to; never the fake's own. */
  readonly accountId: string
  /** A role of that account whose session the identity is; without it, an IAM user of it. */
  readonly roleArn?: string
}

/** Static credentials of a foreign identity, as an SDK client's `credentials` takes them. */
export interface ForeignCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

const ACCOUNT_ID = /^\d{12}$/
/** How long a role session lasts: `AssumeRole`'s default duration. */
const SESSION_SECONDS = 3600
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/

/**
 * Identities of other accounts, by access key id. The fake models one account's registry: these
 * callers exist only to use it as the grantees of its repository policies, and their own
 * account's IAM is not modelled (it allows them everything, as an administrator's would). A role
 * named here exists from then on, with the unique id the directory gives it, since it exists in
 * its own account; a session of it ends with that role (deleted, or replaced by another of the
 * name), and when it has lasted an hour (`AssumeRole`'s default), as sessions of the fake's own
 * roles do.
 */
export class ForeignIdentities {
  readonly #byKey = new Map<string, ForeignCaller>()

  constructor(
    private readonly ownAccountId: string,
    private readonly principals: PrincipalDirectory,
    /** The fake's time in ms. */
    private readonly now: () => number,
  ) {}

  /**
   * Credentials of a new identity of another account.
   * @throws TypeError for an account id that is not 12 digits or is the fake's own, or a role ARN
   *   that is not one of that account's.
   */
  issue(request: ForeignIdentityRequest): {
    credentials: ForeignCredentials
    caller: ForeignCaller
  } {
    const { accountId, roleArn } = request
    if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
      throw new TypeError(`[aws-fake] ${JSON.stringify(accountId)} is not a 12-digit account id`)
    }
    if (accountId === this.ownAccountId) {
      throw new TypeError(
        `[aws-fake] ${accountId} is the fake's own account: use providerOptions() or a role for its callers`,
      )
    }
    const secretAccessKey = randomBytes(20).toString('base64')
    if (roleArn === undefined) {
      const accessKeyId = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`
      const caller = { accountId, arns: [`arn:aws:iam::${accountId}:user/foreign-${accessKeyId}`] }
      this.#byKey.set(accessKeyId, caller)
      return { credentials: { accessKeyId, secretAccessKey }, caller }
    }
    const match = ROLE_ARN.exec(roleArn)
    if (match?.[1] !== accountId) {
      throw new TypeError(
        `[aws-fake] ${JSON.stringify(roleArn)} is not a role ARN of account ${accountId}`,
      )
    }
    if (this.principals.idOf(roleArn) === undefined) this.principals.add(roleArn)
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`
    const session = `arn:aws:sts::${accountId}:assumed-role/${match[2]}/foreign-${accessKeyId}`
    const caller: ForeignCaller = {
      accountId,
      arns: [session, roleArn],
      role: { arn: roleArn, id: this.principals.idOf(roleArn) },
      sessionEndsAt: this.now() + SESSION_SECONDS * 1000,
    }
    this.#byKey.set(accessKeyId, caller)
    const sessionToken = randomBytes(48).toString('base64')
    return { credentials: { accessKeyId, secretAccessKey, sessionToken }, caller }
  }

  /** The foreign caller an access key belongs to, or `undefined` for the fake's own callers. */
  find(accessKeyId: string): ForeignCaller | undefined {
    return this.#byKey.get(accessKeyId)
  }

  /** Whether the caller's session still belongs to a live role (always, for a user). */
  isLive(caller: ForeignCaller): boolean {
    return caller.role === undefined || this.principals.idOf(caller.role.arn) === caller.role.id
  }
}

/** Whether a foreign caller's session has ended by `now` (fake ms); a user's keys never end. */
export function foreignSessionEnded(caller: ForeignCaller, now: number): boolean {
  return caller.sessionEndsAt !== undefined && caller.sessionEndsAt <= now
}
