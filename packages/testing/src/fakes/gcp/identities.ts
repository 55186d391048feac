import type { IamPolicyStore } from './iam-policy-store.js'
import { type Roles, TOKEN_CREATOR_ROLE } from './roles.js'

/** A service account to create in the fake, and who may mint tokens for it. */
export interface FakeServiceAccount {
  email: string
  /**
   * Members holding `roles/iam.serviceAccountTokenCreator` on it, so `generateAccessToken` for it
   * works for them. @default [the fake's caller]
   */
  tokenCreators?: readonly string[]
}

/** @internal A service account as IAM keeps it. */
export interface ServiceAccountRecord {
  /** Lower case, as IAM stores it. */
  readonly email: string
  /** The project it belongs to; `-` for accounts of Google's own projects (service agents). */
  readonly projectId: string
  /** IAM's unique id, which shows in `deleted:serviceAccount:{email}?uid={uid}` members. */
  readonly uid: string
  readonly displayName: string
  readonly description: string
}

/** What an account is created with: its email's project, and what IAM lets a caller set. */
type NewServiceAccount = Pick<ServiceAccountRecord, 'email' | 'projectId'> &
  Partial<Pick<ServiceAccountRecord, 'displayName' | 'description'>>

// A user-managed account's email: `{accountId}@{projectId}.iam.gserviceaccount.com`.
const USER_MANAGED_EMAIL = /^[^@]+@([a-z][-a-z0-9]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$/i
const SERVICE_ACCOUNT_RESOURCE = /^projects\/([^/]+)\/serviceAccounts\/([^/]+)$/

/** The member of the Cloud Run service agent of a project: what `worker` grants go to. */
export function cloudRunServiceAgent(projectNumber: string): string {
  return `service-${projectNumber}@serverless-robot-prod.iam.gserviceaccount.com`
}

/**
 * @internal The identities that exist in the fake: service accounts, users and groups. IAM
 * refuses a policy that names anyone else. Who may impersonate a service account is what its own
 * IAM policy grants: `roles/iam.serviceAccountTokenCreator` (or a custom role) holding
 * `iam.serviceAccounts.getAccessToken`.
 */
export class Identities {
  readonly #serviceAccounts = new Map<string, ServiceAccountRecord>()
  readonly #principals = new Set<string>()
  // Accounts created through the API that policy writes do not know yet, and for how many more.
  readonly #propagating = new Map<string, number>()
  #created = 0

  /**
   * @param caller the member of the identity the fake's token endpoint issues tokens to.
   * @param policies where each service account's IAM policy is kept.
   * @param roles what the roles in those policies grant.
   * @param unpropagatedWrites how many policy writes naming an account created through the API
   *   refuse it as not existing yet.
   */
  constructor(
    readonly caller: string,
    private readonly policies: IamPolicyStore,
    private readonly roles: Roles,
    private readonly unpropagatedWrites = 0,
  ) {}

  /**
   * Create a service account out of band (again, after a delete: a new one with a new uid), its
   * token creators in its IAM policy.
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
    const projectId = USER_MANAGED_EMAIL.exec(email)?.[1]?.toLowerCase() ?? '-'
    const record = this.createServiceAccount({ email, projectId })
    const members = [...(tokenCreators ?? [this.caller])]
    const bindings = members.length === 0 ? [] : [{ role: TOKEN_CREATOR_ROLE, members }]
    this.policies.put(serviceAccountResource(record), { version: 1, bindings })
  }

  /** Create a service account, with an empty IAM policy, as `serviceAccounts.create` does. */
  createServiceAccount(account: NewServiceAccount): ServiceAccountRecord {
    this.#created += 1
    const record: ServiceAccountRecord = {
      email: account.email.toLowerCase(),
      projectId: account.projectId,
      // 21 digits, as IAM's unique ids have.
      uid: `1${String(this.#created).padStart(20, '0')}`,
      displayName: account.displayName ?? '',
      description: account.description ?? '',
    }
    this.#serviceAccounts.set(record.email, record)
    // A new account, even under an old email, starts with no policy of its own.
    this.policies.delete(serviceAccountResource(record))
    return record
  }

  /**
   * Start an account's propagation: IAM is eventually consistent, so policy writes naming an
   * account just created may still refuse it as not existing (`unpropagatedWrites` of them).
   */
  propagate(email: string): void {
    if (this.unpropagatedWrites > 0)
      this.#propagating.set(email.toLowerCase(), this.unpropagatedWrites)
  }

  /**
   * Delete a service account and its own IAM policy; returns the member its bindings elsewhere
   * turn into (`deleted:serviceAccount:{email}?uid={uid}`).
   * @throws TypeError when it does not exist.
   */
  deleteServiceAccount(email: string): string {
    const record = this.#serviceAccounts.get(email.toLowerCase())
    if (record === undefined) throw new TypeError(`[gcp-fake] no service account ${email}`)
    this.#serviceAccounts.delete(record.email)
    this.policies.delete(serviceAccountResource(record))
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

  /** The unique id of the service account of an email, or `undefined` when none exists. */
  uidOf(email: string): string | undefined {
    return this.#serviceAccounts.get(email.toLowerCase())?.uid
  }

  /** Whether a service account exists. */
  hasServiceAccount(email: string): boolean {
    return this.#serviceAccounts.has(email.toLowerCase())
  }

  /** Every service account, oldest first. */
  serviceAccounts(): ServiceAccountRecord[] {
    return [...this.#serviceAccounts.values()]
  }

  /**
   * The account a resource name `projects/{project}/serviceAccounts/{email or uniqueId}` names,
   * as IAM resolves it: `-` for the project infers it from the account; another project than
   * the account's names nothing.
   */
  resolveServiceAccount(resource: string): ServiceAccountRecord | undefined {
    const [, project, id] = SERVICE_ACCOUNT_RESOURCE.exec(resource) ?? []
    if (project === undefined || id === undefined) return undefined
    const record =
      this.#serviceAccounts.get(id.toLowerCase()) ??
      [...this.#serviceAccounts.values()].find((r) => r.uid === id)
    if (record === undefined) return undefined
    return project === '-' || project === record.projectId ? record : undefined
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
    if (
      kind === 'serviceAccount' &&
      (!this.hasServiceAccount(email) || this.#unpropagated(email))
    ) {
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

  /** Whether a policy write still does not know the account, counting this write. */
  #unpropagated(email: string): boolean {
    const left = this.#propagating.get(email.toLowerCase()) ?? 0
    if (left <= 0) return false
    this.#propagating.set(email.toLowerCase(), left - 1)
    return true
  }

  /**
   * Whether `member` holds `iam.serviceAccounts.getAccessToken` on the service account, through
   * the account's IAM policy or its project's.
   */
  mayImpersonate(member: string, email: string): boolean {
    const record = this.#serviceAccounts.get(email.toLowerCase())
    if (record === undefined) return false
    const policies = [serviceAccountResource(record), `projects/${record.projectId}`]
    return policies.some((resource) =>
      this.roles.grants(this.policies.get(resource), member, 'iam.serviceAccounts.getAccessToken'),
    )
  }
}

/**
 * @internal The resource name a service account's IAM policy is kept under:
 * `projects/{project}/serviceAccounts/{email}`.
 */
export function serviceAccountResource(
  record: Pick<ServiceAccountRecord, 'email' | 'projectId'>,
): string {
  return `projects/${record.projectId}/serviceAccounts/${record.email}`
}

function isEmail(value: unknown): value is string {
  return typeof value === 'string' && /^[^@\s:]+@[^@\s:]+\.[a-z]{2,}$/i.test(value)
}
