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
  const current = new Set(roleMembers(policy, role))
  const removing = new Set(change.remove ?? [])
  const adding = [...new Set(change.add ?? [])].filter((m) => !current.has(m))
  if (adding.length === 0 && ![...current].some((m) => removing.has(m))) return undefined
  const bindings: IamBinding[] = []
  let placed = false
  for (const binding of policy.bindings ?? []) {
    if (!isUnconditional(binding, role)) {
      bindings.push(binding)
      continue
    }
    const members = (binding.members ?? []).filter((m) => !removing.has(m))
    if (!placed) members.push(...adding)
    placed = true
    // IAM refuses a binding without members; an emptied managed binding is dropped.
    if (members.length > 0) bindings.push({ ...binding, members })
  }
  if (!placed && adding.length > 0) bindings.push({ role, members: adding })
  // Version 3 always: writing a lower version over conditional bindings would corrupt them.
  return { ...policy, version: 3, bindings }
}

// --- Internal ---

function isUnconditional(binding: IamBinding, role: string): boolean {
  const expression = binding.condition?.expression
  return (
    binding.role === role && (expression === undefined || expression === null || expression === '')
  )
}
