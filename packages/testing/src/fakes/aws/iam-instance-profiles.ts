import { randomBytes } from 'node:crypto'

/** An EC2 instance profile as the fake's IAM stores it: a container for at most one role. */
export interface FakeInstanceProfile {
  readonly name: string
  readonly id: string
  readonly path: string
  readonly arn: string
  readonly createDate: Date
  /** The name of the role it holds; IAM lets an instance profile hold one role at most. */
  roleName: string | undefined
}

/**
 * The account's instance profiles. Their names are unique without regard to case, as role
 * names are. IAM refuses to delete a role while an instance profile holds it, so the role
 * handlers ask {@link InstanceProfiles.holding}.
 */
export class InstanceProfiles {
  readonly #profiles = new Map<string, FakeInstanceProfile>()

  constructor(
    private readonly accountId: string,
    private readonly now: () => number,
  ) {}

  /** The ARN an instance profile of this path and name has in the account. */
  arn(path: string, name: string): string {
    return `arn:aws:iam::${this.accountId}:instance-profile${path}${name}`
  }

  /** The instance profile of that name (any case), or `undefined`. */
  get(name: string): FakeInstanceProfile | undefined {
    return this.#profiles.get(name.toLowerCase())
  }

  /** Create an empty instance profile; `undefined` when one of that name (any case) exists. */
  create(name: string, path: string): FakeInstanceProfile | undefined {
    const key = name.toLowerCase()
    if (this.#profiles.has(key)) return undefined
    const profile: FakeInstanceProfile = {
      name,
      id: `AIPA${randomBytes(8).toString('hex').toUpperCase()}`,
      path,
      arn: this.arn(path, name),
      createDate: new Date(this.now()),
      roleName: undefined,
    }
    this.#profiles.set(key, profile)
    return profile
  }

  /** The instance profiles that hold the role of that name (any case), oldest first. */
  holding(roleName: string): FakeInstanceProfile[] {
    const key = roleName.toLowerCase()
    return [...this.#profiles.values()].filter((p) => p.roleName?.toLowerCase() === key)
  }
}
