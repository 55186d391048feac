/** A service account to create in the fake, and who may mint tokens for it. */
export interface FakeServiceAccount {
  email: string
  /**
   * Members holding `roles/iam.serviceAccountTokenCreator` on it, so `generateAccessToken` for it
   * works for them. @default [the fake's caller]
   */
  tokenCreators?: readonly string[]
}

interface ServiceAccountRecord {
  readonly tokenCreators: Set<string>
  /** IAM's unique id, which shows in `deleted:serviceAccount:{email}?uid={uid}` members. */
  readonly uid: string
}

/** The member of the Cloud Run service agent of a project: what `worker` grants go to. */
export function cloudRunServiceAgent(projectNumber: string): string {
  return `service-${projectNumber}@serverless-robot-prod.iam.gserviceaccount.com`
}

/**
 * @internal The identities that exist in the fake: service accounts (and who may impersonate
 * them), users and groups. IAM refuses a policy that names anyone else.
 */
export class Identities {
  readonly #serviceAccounts = new Map<string, ServiceAccountRecord>()
  readonly #principals = new Set<string>()
  #created = 0

  /** @param caller the member of the identity the fake's token endpoint issues tokens to. */
  constructor(readonly caller: string) {}

  /**
   * Create a service account (again, after a delete: a new one with a new uid).
   * @throws TypeError for an email IAM would refuse.
   */
  addServiceAccount(account: string | FakeServiceAccount): void {
    const { email, tokenCreators } =
      typeof account === 'string' ? { email: account, tokenCreators: undefined } : account
    if (!isEmail(email)) {
      throw new TypeError(
        `[gcp-fake] a service account is an email address, got ${JSON.stringify(email)}`,
      )
    }
    this.#created += 1
    this.#serviceAccounts.set(email.toLowerCase(), {
      tokenCreators: new Set(tokenCreators ?? [this.caller]),
      // 21 digits, as IAM's unique ids have.
      uid: `1${String(this.#created).padStart(20, '0')}`,
    })
  }

  /**
   * Delete a service account; returns the member its bindings turn into
   * (`deleted:serviceAccount:{email}?uid={uid}`).
   * @throws TypeError when it does not exist.
   */
  deleteServiceAccount(email: string): string {
    const record = this.#serviceAccounts.get(email.toLowerCase())
    if (record === undefined) throw new TypeError(`[gcp-fake] no service account ${email}`)
    this.#serviceAccounts.delete(email.toLowerCase())
    return `deleted:serviceAccount:${email}?uid=${record.uid}`
  }

  /**
   * Make a user or group exist: `user:{email}` or `group:{email}`.
   * @throws TypeError for any other kind of member.
   */
  addPrincipal(member: string): void {
    if (!/^(user|group):/.test(member) || !isEmail(member.slice(member.indexOf(':') + 1))) {
      throw new TypeError(
        `[gcp-fake] a principal is user:{email} or group:{email}, got ${JSON.stringify(member)}`,
      )
    }
    this.#principals.add(member.toLowerCase())
  }

  /** Whether a service account exists. */
  hasServiceAccount(email: string): boolean {
    return this.#serviceAccounts.has(email.toLowerCase())
  }

  /**
   * Why IAM would refuse to name `member` in a policy because it does not exist (its own words),
   * or `undefined` when it exists or is of a kind IAM does not look up (domains, `allUsers`,
   * deleted members, workload identity principals).
   */
  unknown(member: string): string | undefined {
    const colon = member.indexOf(':')
    const kind = member.slice(0, colon)
    const email = member.slice(colon + 1)
    if (kind === 'serviceAccount' && !this.hasServiceAccount(email)) {
      return `Service account ${email} does not exist.`
    }
    if (kind === 'user' && member !== this.caller && !this.#principals.has(member.toLowerCase())) {
      return `User ${email} does not exist.`
    }
    if (kind === 'group' && !this.#principals.has(member.toLowerCase())) {
      return `Group ${email} does not exist.`
    }
    return undefined
  }

  /** Whether `member` holds `iam.serviceAccounts.getAccessToken` on the service account. */
  mayImpersonate(member: string, email: string): boolean {
    return this.#serviceAccounts.get(email.toLowerCase())?.tokenCreators.has(member) ?? false
  }
}

function isEmail(value: unknown): value is string {
  return typeof value === 'string' && /^[^@\s:]+@[^@\s:]+\.[a-z]{2,}$/i.test(value)
}
