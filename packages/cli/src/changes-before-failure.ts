import type { ProvisionChange } from '@artifact-registry/core'

const CHANGES = Symbol('changes before the failure')

/**
 * Marks `error` with the changes a `provision` or `deprovision` run had begun when it failed, so
 * the failure says what the platform may now hold: progress lines go to a terminal only, and a
 * run in CI that gives up would otherwise leave, say, an IAM role behind without a word. Changes
 * are reported as they are decided, before they are made, so the last one may not have happened.
 * `unchanged` ones are left out; nothing is marked when none is left, or on a dry run's failure.
 */
export function markChangesBeforeFailure(
  error: unknown,
  changes: readonly ProvisionChange[],
): unknown {
  const begun = changes.filter((change) => change.action !== 'unchanged')
  if (begun.length > 0 && typeof error === 'object' && error !== null && Object.isExtensible(error))
    Object.defineProperty(error, CHANGES, { value: begun })
  return error
}

/** The changes {@link markChangesBeforeFailure} put on `error`, if any. */
export function changesBeforeFailure(error: unknown): readonly ProvisionChange[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  return (error as { [CHANGES]?: readonly ProvisionChange[] })[CHANGES]
}

/** `create iam-role arn:… (detail)`: one change as the command prints it. */
export function describeChange(change: ProvisionChange): string {
  return `${change.action} ${change.kind} ${change.id}${change.detail === undefined ? '' : ` (${change.detail})`}`
}
