import type { FakeIamRole, IamState } from './iam-state.js'
import { policiesAllow } from './session-policy-eval.js'
import type { FakeSession } from './sessions.js'
import type { FakeRoleOptions } from './types.js'

/** Which kind of policy left an action unallowed, in AWS's words ("no … policy allows"). */
export type PolicyRefusal = 'identity-based' | 'session' | 'permissions boundary'

/**
 * IAM's decision for a caller of the fake's own account: the identity's policies (the base
 * identity's, or the assumed role's) must allow the action on the resource, and so must the
 * inline session policy of an assumed-role session; an explicit `Deny` in either wins. An
 * identity without seeded policies is not limited, so tests that do not care need not seed any.
 * A role created through the fake's IAM is what IAM makes of it: its inline and attached managed
 * policies (none: no action allowed), within its permissions boundary when it has one. IAM reads
 * them at every request, and a session belongs to the role's unique id, not to its name: once
 * that role is deleted (created again under the name or not), nothing allows its sessions
 * anything, so credentials minted before a deletion stop working, as in AWS.
 */
export class IamEvaluator {
  constructor(
    /** The base identity's policies (JSON documents); `undefined`: not limited. */
    private readonly basePolicies: readonly string[] | undefined,
    private readonly roles: Readonly<Record<string, FakeRoleOptions>>,
    private readonly enforceSessionPolicies: boolean,
    private readonly iamRoles: IamState | undefined = undefined,
  ) {}

  /** Why `session` (or the base identity, when `undefined`) may not act, or `undefined`. */
  refusal(
    session: FakeSession | undefined,
    action: string,
    resource: string,
  ): PolicyRefusal | undefined {
    const identity = session === undefined ? this.basePolicies : this.#rolePolicies(session)
    if (identity !== undefined && !policiesAllow(identity, action, resource)) {
      return 'identity-based'
    }
    const boundary = this.#boundary(session)
    if (boundary !== undefined && !policiesAllow([boundary], action, resource)) {
      return 'permissions boundary'
    }
    const sessionPolicy = this.enforceSessionPolicies ? session?.policy : undefined
    if (sessionPolicy !== undefined && !policiesAllow([sessionPolicy], action, resource)) {
      return 'session'
    }
    return undefined
  }

  #rolePolicies(session: FakeSession): readonly string[] | undefined {
    const created = this.#roleOf(session)
    // The session's role is gone: no policy of it is left to allow anything.
    if (created === null) return []
    return created === undefined
      ? this.roles[session.roleArn]?.policies
      : [
          ...created.inlinePolicies.values(),
          ...[...created.attachedPolicies].map((arn) => this.iamRoles?.managedPolicy(arn) ?? '{}'),
        ]
  }

  /** The permissions boundary document of a session's IAM-created role, if it has one. */
  #boundary(session: FakeSession | undefined): string | undefined {
    const arn = session === undefined ? undefined : this.#roleOf(session)?.permissionsBoundaryArn
    return arn === undefined ? undefined : (this.iamRoles?.managedPolicy(arn) ?? '{}')
  }

  /**
   * The IAM-created role a session belongs to; `null` when the session was issued for such a
   * role and it no longer exists (deleted, or replaced by another role of the name); `undefined`
   * when the role was never created through the fake's IAM (seeded, or not known at all).
   */
  #roleOf(session: FakeSession): FakeIamRole | null | undefined {
    const current = this.iamRoles?.roleByArn(session.roleArn)
    if (session.roleId === undefined) return current
    return current?.roleId === session.roleId ? current : null
  }
}
