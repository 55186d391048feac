import type { protos } from '@google-cloud/artifact-registry'

/** An IAM policy as the Artifact Registry SDK reads and writes it. */
export type IamPolicy = protos.google.iam.v1.IPolicy

type IamBinding = protos.google.iam.v1.IBinding

/** The role cross-account grants use: pull only. */
export const READER_ROLE = 'roles/artifactregistry.reader'

/**
 * @internal Members of the bindings this library manages: `roles/artifactregistry.reader`
 * without a condition. Conditional bindings and other roles belong to someone else.
 */
export function managedMembers(policy: IamPolicy): string[] {
  return roleMembers(policy, READER_ROLE)
}

/**
 * @internal The policy with members added to or removed from the managed binding, written as
 * version 3 with the etag it was read with; every other binding, condition and field is passed
 * through untouched. `undefined` when nothing would change, so no write is needed.
 */
export function changeManagedMembers(
  policy: IamPolicy,
  change: { add?: readonly string[]; remove?: readonly string[] },
): IamPolicy | undefined {
  return changeRoleMembers(policy, READER_ROLE, change)
}

/** @internal Members of the unconditional bindings of `role`. */
export function roleMembers(policy: IamPolicy, role: string): string[] {
  return (policy.bindings ?? [])
    .filter((b) => isUnconditional(b, role))
    .flatMap((b) => b.members ?? [])
}

/**
 * @internal Whether `member` holds the unconditional binding of `role` as a live account, whatever
 * the case of its email.
 */
export function holdsRole(policy: IamPolicy, role: string, member: string): boolean {
  const wanted = identityOf(member)
  return roleMembers(policy, role).some((m) => !isDeletedMember(m) && identityOf(m) === wanted)
}

/**
 * @internal {@link changeManagedMembers} for the unconditional binding of any role: members
 * added to the first one (a new binding when there is none) or removed from each, the policy
 * written as version 3 with its etag, everything else passed through untouched; `undefined` when
 * nothing would change.
 */
export function changeRoleMembers(
  policy: IamPolicy,
  role: string,
  change: { add?: readonly string[]; remove?: readonly string[] },
): IamPolicy | undefined {
  const current = roleMembers(policy, role)
  const removing = new Set((change.remove ?? []).map(identityOf))
  const isRemoved = (member: string): boolean => removing.has(identityOf(member))
  // A deleted account's member does not stand for a new account that reuses its email.
  const held = new Set(current.filter((m) => !isDeletedMember(m)).map(identityOf))
  const adding = uniqueBy(change.add ?? [], identityOf).filter((m) => !held.has(identityOf(m)))
  if (adding.length === 0 && !current.some(isRemoved)) return undefined
  const bindings: IamBinding[] = []
  let placed = false
  for (const binding of policy.bindings ?? []) {
    if (!isUnconditional(binding, role)) {
      bindings.push(binding)
      continue
    }
    const members = (binding.members ?? []).filter((m) => !isRemoved(m))
    if (!placed) members.push(...adding)
    placed = true
    // IAM refuses a binding without members; an emptied managed binding is dropped.
    if (members.length > 0) bindings.push({ ...binding, members })
  }
  if (!placed && adding.length > 0) bindings.push({ role, members: adding })
  // Version 3 always: writing a lower version over conditional bindings would corrupt them.
  return { ...policy, version: 3, bindings }
}

/**
 * @internal Who a member names, for comparing members: IAM ignores the case of an email, so
 * `serviceAccount:CI@x.iam.gserviceaccount.com` and `serviceAccount:ci@…` are one member; and a
 * deleted account's member, `deleted:serviceAccount:{email}?uid={id}`, names the same account as
 * `serviceAccount:{email}`. Removing a member must remove both forms: IAM turns the deleted one
 * back into a live grant if the account is undeleted.
 */
export function identityOf(member: string): string {
  const live = isDeletedMember(member)
    ? member.slice(DELETED.length).replace(/\?uid=[^?]*$/, '')
    : member
  const colon = live.indexOf(':')
  if (colon < 0) return live
  const kind = live.slice(0, colon)
  return EMAIL_KINDS.has(kind) ? `${kind}:${live.slice(colon + 1).toLowerCase()}` : live
}

// --- Internal ---

const DELETED = 'deleted:'
const EMAIL_KINDS = new Set(['serviceAccount', 'user', 'group', 'domain'])

function isDeletedMember(member: string): boolean {
  return member.startsWith(DELETED)
}

function uniqueBy<T>(values: readonly T[], key: (value: T) => string): T[] {
  const seen = new Set<string>()
  return values.filter((value) => {
    const k = key(value)
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

function isUnconditional(binding: IamBinding, role: string): boolean {
  const expression = binding.condition?.expression
  return (
    binding.role === role && (expression === undefined || expression === null || expression === '')
  )
}
