import { randomBytes } from 'node:crypto'
import { InstanceProfiles } from './iam-instance-profiles.js'
import { bindPrincipals, type IdOf, showPrincipals } from './principal-ids.js'

/** An IAM role as the fake's IAM stores it. */
export interface FakeIamRole {
  /** The name as created; IAM compares role names without case. */
  readonly roleName: string
  readonly roleId: string
  readonly path: string
  readonly arn: string
  readonly createDate: Date
  /**
   * The trust policy (JSON text) as IAM shows it: as sent, but a role or user it names that was
   * deleted since (or created again under its name) reads as the unique id it had.
   */
  assumeRolePolicyDocument: string
  /** 3600 to 43200 seconds. */
  maxSessionDuration: number
  description: string | undefined
  permissionsBoundaryArn: string | undefined
  /** Tags by key, in the order first set. */
  readonly tags: Map<string, string>
  /** Inline policies (JSON text) by name, in the order first put. */
  readonly inlinePolicies: Map<string, string>
  /** ARNs of the managed policies attached to the role, in the order attached. */
  readonly attachedPolicies: Set<string>
}

/** What `CreateRole` stores besides the generated id, ARN and date. */
export type NewIamRole = Pick<
  FakeIamRole,
  'roleName' | 'path' | 'assumeRolePolicyDocument' | 'maxSessionDuration' | 'description'
> & {
  permissionsBoundaryArn?: string | undefined
  tags?: ReadonlyMap<string, string>
}

/**
 * The IAM roles of the fake's account, created through its IAM API, and the managed policies a
 * test seeded (the only ones that can be a permissions boundary). Role names are unique without
 * regard to case, as in IAM. A trust policy names its roles and users by the unique ids they had
 * when it was set, as IAM stores it: a principal deleted and created again under its name is not
 * trusted by it any more.
 */
export class IamState {
  readonly #roles = new Map<string, FakeIamRole>()
  /** ARNs of roles deleted and not created again: STS no longer lets anyone assume them. */
  readonly #deletedArns = new Set<string>()
  readonly #managedPolicies: ReadonlyMap<string, string>
  /** The account's instance profiles, each holding at most one of its roles. */
  readonly instanceProfiles: InstanceProfiles

  constructor(
    readonly accountId: string,
    managedPolicies: Readonly<Record<string, string>>,
    private readonly now: () => number,
    /** The unique id of the IAM role or user that has an ARN now. */
    private readonly principalId: IdOf = () => undefined,
  ) {
    this.#managedPolicies = new Map(Object.entries(managedPolicies))
    this.instanceProfiles = new InstanceProfiles(accountId, now)
  }

  /** The role of that name (any case), or `undefined`. */
  role(name: string): FakeIamRole | undefined {
    return this.#roles.get(name.toLowerCase())
  }

  /** The role of that ARN, or `undefined` (a role ARN's path is part of it). */
  roleByArn(arn: string): FakeIamRole | undefined {
    const name = arn.split('/').pop() ?? ''
    const role = this.role(name)
    return role?.arn === arn ? role : undefined
  }

  /** Every role, oldest first. */
  roles(): FakeIamRole[] {
    return [...this.#roles.values()]
  }

  /** The ARN a role of this path and name has in the account. */
  roleArn(path: string, name: string): string {
    return `arn:aws:iam::${this.accountId}:role${path}${name}`
  }

  /** Create a role; `undefined` when one of that name (any case) exists. */
  create(input: NewIamRole): FakeIamRole | undefined {
    const key = input.roleName.toLowerCase()
    if (this.#roles.has(key)) return undefined
    const idOf = this.principalId
    let trust = {
      text: input.assumeRolePolicyDocument,
      ids: bindPrincipals(input.assumeRolePolicyDocument, idOf),
    }
    const role: FakeIamRole = {
      roleName: input.roleName,
      roleId: `AROA${randomBytes(8).toString('hex').toUpperCase()}`,
      path: input.path,
      arn: this.roleArn(input.path, input.roleName),
      createDate: new Date(this.now()),
      get assumeRolePolicyDocument(): string {
        return showPrincipals(trust.text, trust.ids, idOf)
      },
      set assumeRolePolicyDocument(text: string) {
        trust = { text, ids: bindPrincipals(text, idOf) }
      },
      maxSessionDuration: input.maxSessionDuration,
      description: input.description,
      permissionsBoundaryArn: input.permissionsBoundaryArn,
      tags: new Map(input.tags ?? []),
      inlinePolicies: new Map(),
      attachedPolicies: new Set(),
    }
    this.#roles.set(key, role)
    this.#deletedArns.delete(role.arn)
    return role
  }

  /** Forget a role (its policies and instance profiles must be gone: IAM checks that first). */
  delete(name: string): void {
    const role = this.role(name)
    if (role !== undefined) this.#deletedArns.add(role.arn)
    this.#roles.delete(name.toLowerCase())
  }

  /** Whether a role of this ARN was deleted through the fake's IAM and not created again. */
  wasDeleted(arn: string): boolean {
    return this.#deletedArns.has(arn)
  }

  /** The document of a seeded managed policy, or `undefined` when there is no such policy. */
  managedPolicy(arn: string): string | undefined {
    return this.#managedPolicies.get(arn)
  }
}
