import { anyMatch, type Statement, statementsOf } from './session-policy-eval.js'

/**
 * Whether a role's trust policy lets `caller` (the principal ARNs that stand for it: an IAM
 * user's ARN, or an assumed-role session's role ARN) call `sts:AssumeRole`: an `Allow` statement
 * for the action whose `AWS` principal is one of them, the caller's account (`…:root` or the bare
 * account id, then its own policies decide) or `*`, and no such `Deny`. As in
 * `session-policy-eval`, a statement with a `Condition` never matches.
 */
export function trustPolicyAllows(
  document: string,
  caller: readonly string[],
  accountId: string,
): boolean {
  const names = new Set([...caller, accountId, `arn:aws:iam::${accountId}:root`, '*'])
  const matching = statementsOf(document).filter(
    (s) => anyMatch(s.Action, 'sts:AssumeRole', true) && principalsOf(s).some((p) => names.has(p)),
  )
  if (matching.some((s) => s.Effect === 'Deny')) return false
  return matching.some((s) => s.Effect === 'Allow' && s.Condition === undefined)
}

// --- Internal ---

function principalsOf(statement: Statement): string[] {
  const principal = statement.Principal
  if (principal === '*') return ['*']
  const aws = (principal as { AWS?: unknown } | undefined)?.AWS
  const list = Array.isArray(aws) ? aws : [aws]
  return list.filter((p): p is string => typeof p === 'string')
}
