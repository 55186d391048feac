import type { ProvisionRecorder } from '@artifact-registry/core'
import { changeRoleMembers, type IamPolicy, identityOf, roleMembers } from '../iam-policy.js'
import type { GarRepositoryRef } from '../naming.js'
import { type PolicyTarget, updatePolicy } from '../policy-update.js'
import { callIam, type IamApi } from './iam-api.js'
import { type AccountAccess, carriesOwnershipMark, ownershipMark } from './service-account.js'

/** How many accounts one page of `serviceAccounts.list` asks for: IAM's most. */
const LIST_PAGE_SIZE = 100

/** @internal An account provisioning made for the GAR repository under an id the options no longer name. */
export interface FormerAccount {
  readonly email: string
  readonly access: AccountAccess
}

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

/**
 * @internal Every account of the project that carries provisioning's ownership mark for this GAR
 * repository, pull or push, other than those of `current` (the emails the options name): the
 * accounts of an earlier `pullServiceAccountId` or `pushServiceAccountId`
 * (`serviceAccounts.list`, every page). `deprovision` deletes them with the current ones: no
 * later run would know them, and whoever was `runtimeMember` when they were made may still mint
 * their tokens. Accounts without that exact mark (made by hand, or for another GAR repository)
 * are never among them.
 */
export async function formerAccounts(
  api: IamApi,
  ref: GarRepositoryRef,
  current: readonly string[],
): Promise<FormerAccount[]> {
  const marks = new Map<string | undefined, AccountAccess>([
    [ownershipMark(ref, 'pull'), 'pull'],
    [ownershipMark(ref, 'push'), 'push'],
  ])
  const skip = new Set(current.map((email) => email.toLowerCase()))
  const found: FormerAccount[] = []
  let pageToken: string | undefined
  do {
    const page = await callIam<{
      accounts?: { email?: string; description?: string }[]
      nextPageToken?: string
    }>(api, {
      method: 'GET',
      path: `projects/${ref.projectId}/serviceAccounts`,
      params: { pageSize: LIST_PAGE_SIZE, ...(pageToken === undefined ? {} : { pageToken }) },
      operation: 'serviceAccounts.list',
      resource: `projects/${ref.projectId}`,
    })
    for (const account of page.accounts ?? []) {
      const access = marks.get(account.description)
      if (access === undefined || account.email === undefined) continue
      if (!skip.has(account.email.toLowerCase())) found.push({ email: account.email, access })
    }
    pageToken = page.nextPageToken || undefined
  } while (pageToken !== undefined)
  return found
}
