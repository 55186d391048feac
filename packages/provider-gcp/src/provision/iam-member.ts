import { setTimeout as sleep } from 'node:timers/promises'
import { isArtifactRegistryError, type ProvisionRecorder } from '@artifact-registry/core'
import { changeRoleMembers, holdsRole, type IamPolicy } from '../iam-policy.js'
import { backoff, type PolicyTarget, readPolicy, updatePolicy } from '../policy-update.js'

/** @internal One member provisioning grants a role on a resource, in its unconditional binding. */
export interface MemberGrant {
  /** `gar-repository-iam-binding` or `service-account-iam-binding`. */
  readonly kind: string
  readonly target: PolicyTarget
  readonly role: string
  readonly member: string
  /**
   * Whether the resource exists (in a dry run it may not yet: then its policy is not read, and
   * the grant is reported as to be created).
   */
  readonly resourceExists: boolean
  /** Whether this run created the resource: a missing grant is then `create`, else `update`. */
  readonly resourceCreated: boolean
  /**
   * Whether this run created the member (a service account): IAM may not know it everywhere yet
   * and refuse it as not existing, which is then retried (`policyRetry`).
   */
  readonly memberCreated: boolean
}

/**
 * @internal Make sure `member` holds `role` on the resource, unconditionally: read the policy
 * (version 3), and when the member is missing add it with an etag read-modify-write (retried from
 * a fresh read on `ABORTED`). Every other binding, member and condition is written back as read.
 * The change's id is `{resource} {role} {member}`.
 *
 * @returns the policy as first read, before any change; `undefined` when the resource does not
 *   exist (a dry run that would create it), so nothing was read.
 */
export async function ensureMember(
  recorder: ProvisionRecorder,
  grant: MemberGrant,
): Promise<IamPolicy | undefined> {
  const id = `${grant.target.resource} ${grant.role} ${grant.member}`
  recorder.checkpoint()
  const policy = grant.resourceExists ? await readPolicy(grant.target) : undefined
  if (policy !== undefined && holdsRole(policy, grant.role, grant.member)) {
    recorder.unchanged(grant.kind, id)
    return policy
  }
  const action = grant.resourceCreated || !grant.resourceExists ? 'create' : 'update'
  const detail =
    action === 'update' ? `${grant.member} lacked ${grant.role}; granted again` : undefined
  await recorder.apply(
    { action, kind: grant.kind, id, ...(detail === undefined ? {} : { detail }) },
    () => addMember(recorder, grant),
  )
  return policy
}

// --- Internal ---

async function addMember(recorder: ProvisionRecorder, grant: MemberGrant): Promise<void> {
  const { attempts, baseDelayMs } = grant.target.retry
  for (let attempt = 1; ; attempt++) {
    try {
      await updatePolicy(grant.target, (policy) =>
        changeRoleMembers(policy, grant.role, { add: [grant.member] }),
      )
      return
    } catch (err) {
      const propagating = grant.memberCreated && isArtifactRegistryError(err, 'INVALID_ARGUMENT')
      if (!propagating || attempt >= attempts) throw err
      await sleep(backoff(attempt, baseDelayMs), undefined, { signal: recorder.signal })
    }
  }
}
