import type { ProvisionRecorder } from '@artifact-registry/core'
import { changeRoleMembers, identityOf, roleMembers } from '../iam-policy.js'
import { updatePolicy } from '../policy-update.js'
import { ensureMember, type MemberGrant } from './iam-member.js'

/**
 * @internal Make `grant.member` the only member of the unconditional binding of `grant.role`:
 * {@link ensureMember} first, so the runtime never loses the role while the binding changes, then
 * every other member of that binding is removed, each recorded as a `delete` with id
 * `{resource} {role} {member}`. Conditional bindings and other roles stay as read.
 *
 * For a role that gives power over a resource provisioning made and owns, such as minting the
 * tokens of its service accounts: a member left there (the runtime member before a rotation, or
 * one added by hand) would keep that power, and nothing else would ever take it back.
 */
export async function ensureSoleMember(
  recorder: ProvisionRecorder,
  grant: MemberGrant,
): Promise<void> {
  // Undefined for a resource that does not exist yet (a dry run that would create it): it has no
  // members to remove. A member added since this read is someone else's race, seen next run.
  const policy = await ensureMember(recorder, grant)
  if (policy === undefined) return
  const wanted = identityOf(grant.member)
  const others = roleMembers(policy, grant.role).filter((member) => identityOf(member) !== wanted)
  for (const member of others) {
    const change = {
      action: 'delete' as const,
      kind: grant.kind,
      id: `${grant.target.resource} ${grant.role} ${member}`,
      detail: `not runtimeMember (${grant.member}): removed, as only the runtime may hold ${grant.role} here`,
    }
    await recorder.apply(change, () =>
      updatePolicy(grant.target, (policy) =>
        changeRoleMembers(policy, grant.role, { remove: [member] }),
      ),
    )
  }
}
