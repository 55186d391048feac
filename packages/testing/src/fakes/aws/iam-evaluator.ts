import { policiesAllow } from './session-policy-eval.js'
import type { FakeSession } from './sessions.js'
import type { FakeRoleOptions } from './types.js'

/** Which kind of policy left an action unallowed, in AWS's words ("no … policy allows"). */
export type PolicyRefusal = 'identity-based' | 'session'

/**
 * IAM's decision for a caller of the fake's own account: the identity's policies (the base
 * identity's, or the assumed role's) must allow the action on the resource, and so must the
 * inline session policy of an assumed-role session; an explicit `Deny` in either wins. An
 * identity without seeded policies is not limited, so tests that do not care need not seed any.
 */
export class IamEvaluator {
  constructor(
    /** The base identity's policies (JSON documents); `undefined`: not limited. */
    private readonly basePolicies: readonly string[] | undefined,
    private readonly roles: Readonly<Record<string, FakeRoleOptions>>,
    private readonly enforceSessionPolicies: boolean,
  ) {}

  /** Why `session` (or the base identity, when `undefined`) may not act, or `undefined`. */
  refusal(
    session: FakeSession | undefined,
    action: string,
    resource: string,
  ): PolicyRefusal | undefined {
    const identity =
      session === undefined ? this.basePolicies : this.roles[session.roleArn]?.policies
    if (identity !== undefined && !policiesAllow(identity, action, resource)) {
      return 'identity-based'
    }
    const sessionPolicy = this.enforceSessionPolicies ? session?.policy : undefined
    if (sessionPolicy !== undefined && !policiesAllow([sessionPolicy], action, resource)) {
      return 'session'
    }
    return undefined
  }
}
