/**
 * A deliberately small IAM evaluator for identity and session policies: `Allow` and `Deny`
 * statements with `Action` / `Resource` (string or list, `*` and `?` wildcards), over every
 * document given (an explicit `Deny` in any of them wins). `NotAction`, `NotResource` and
 * conditions never match, so a policy relying on them is treated as granting nothing.
 */
export function policiesAllow(
  policyTexts: readonly string[],
  action: string,
  resource: string,
): boolean {
  const statements = policyTexts.flatMap(statementsOf)
  const matching = statements.filter(
    (s) => anyMatch(s.Action, action, true) && anyMatch(s.Resource, resource, false),
  )
  if (matching.some((s) => s.Effect === 'Deny')) return false
  return matching.some((s) => s.Effect === 'Allow' && s.Condition === undefined)
}

// --- Internal ---

/** One statement of a policy document, its fields unchecked. */
export interface Statement {
  Effect?: unknown
  Action?: unknown
  Resource?: unknown
  Principal?: unknown
  Condition?: unknown
}

/** The statements of a policy document (one or a list); none when it is not JSON. */
export function statementsOf(policyText: string): Statement[] {
  try {
    const doc = JSON.parse(policyText) as { Statement?: unknown }
    const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]
    return list.filter((s): s is Statement => typeof s === 'object' && s !== null)
  } catch {
    return []
  }
}

/** Whether one of `patterns` (a string or a list; `*` and `?` wildcards) matches `value`. */
export function anyMatch(patterns: unknown, value: string, ignoreCase: boolean): boolean {
  const list = Array.isArray(patterns) ? patterns : [patterns]
  return list.some((p) => typeof p === 'string' && wildcard(p, ignoreCase).test(value))
}

function wildcard(pattern: string, ignoreCase: boolean): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '')
}
