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
  return (policy.bindings ?? []).filter(isManaged).flatMap((b) => b.members ?? [])
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
  const current = new Set(managedMembers(policy))
  const removing = new Set(change.remove ?? [])
  const adding = [...new Set(change.add ?? [])].filter((m) => !current.has(m))
  if (adding.length === 0 && ![...current].some((m) => removing.has(m))) return undefined
  const bindings: IamBinding[] = []
  let placed = false
  for (const binding of policy.bindings ?? []) {
    if (!isManaged(binding)) {
      bindings.push(binding)
      continue
    }
    const members = (binding.members ?? []).filter((m) => !removing.has(m))
    if (!placed) members.push(...adding)
    placed = true
    // IAM refuses a binding without members; an emptied managed binding is dropped.
    if (members.length > 0) bindings.push({ ...binding, members })
  }
  if (!placed && adding.length > 0) bindings.push({ role: READER_ROLE, members: adding })
  // Version 3 always: writing a lower version over conditional bindings would corrupt them.
  return { ...policy, version: 3, bindings }
}

// --- Internal ---

function isManaged(binding: IamBinding): boolean {
  const expression = binding.condition?.expression
  return (
    binding.role === READER_ROLE &&
    (expression === undefined || expression === null || expression === '')
  )
}
