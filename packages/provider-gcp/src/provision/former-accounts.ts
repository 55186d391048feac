import type { ProvisionRecorder } from '@artifact-registry/core'
import { changeRoleMembers, type IamPolicy, identityOf, roleMembers } from '../iam-policy.js'
import type { GarRepositoryRef } from '../naming.js'
import { type PolicyTarget, updatePolicy } from '../policy-update.js'
import type { IamApi } from './iam-api.js'
import { type AccountAccess, carriesOwnershipMark } from './service-account.js'

/** @internal One role provisioning grants on the GAR repository, and the account holding it now. */
export interface AccountGrant {
  /** The GAR repository's policy. */
  readonly target: PolicyTarget
  readonly role: string
  readonly access: AccountAccess
  /** The email of the account of `access` this run provisions. */
  readonly current: string
  /** The GAR repository's policy as read before this run changed it; `undefined`: none read. */
  readonly policy: IamPolicy | undefined
}

/**
 * @internal Take `grant.role` on the GAR repository away from every former account of
 * `grant.access`: an account of the project, other than the current one, that provisioning made
 * as this GAR repository's account of that access (its ownership mark), as after a change of
 * `pullServiceAccountId` or `pushServiceAccountId`. Such an account stays behind, and whoever
 * was runtimeMember when it was provisioned may still mint its tokens: left granted, that member
 * would keep pulling (or pushing and deleting) here. Each removal is a `delete` of kind
 * `gar-repository-iam-binding`. Members without the mark (cross-account grants, hand-made
 * accounts) and conditional bindings stay as read.
 */
export async function revokeFormerAccounts(
  recorder: ProvisionRecorder,
  api: IamApi,
  ref: GarRepositoryRef,
  grant: AccountGrant,
): Promise<void> {
  if (grant.policy === undefined) return
  const current = identityOf(`serviceAccount:${grant.current}`)
  const domain = `@${ref.projectId}.iam.gserviceaccount.com`
  const seen = new Set<string>([current])
  for (const member of roleMembers(grant.policy, grant.role)) {
    const identity = identityOf(member)
    // Deleted members (`deleted:serviceAccount:…`) grant nothing; provisioning's accounts live
    // in the project.
    if (!member.startsWith('serviceAccount:') || seen.has(identity)) continue
    seen.add(identity)
    const email = member.slice('serviceAccount:'.length)
    if (!email.toLowerCase().endsWith(domain)) continue
    recorder.checkpoint()
    if (!(await carriesOwnershipMark(api, ref, email, grant.access))) continue
    const change = {
      action: 'delete' as const,
      kind: 'gar-repository-iam-binding',
      id: `${grant.target.resource} ${grant.role} ${member}`,
      detail: `a former ${grant.access} account of this GAR repository (now ${grant.current}): its grant is removed`,
    }
    await recorder.apply(change, () =>
      updatePolicy(grant.target, (policy) =>
        changeRoleMembers(policy, grant.role, { remove: [member] }),
      ),
    )
  }
}
