/**
 * A deliberately small IAM evaluator for identity and session policies: `Allow` and `Deny`
 * statements with `Action` or `NotAction` and `Resource` or `NotResource` (string or list, `*`
 * and `?` wildcards), over every document given (an explicit `Deny` in any of them wins). A
 * `Not…` element applies the statement to everything but what it lists, as IAM reads it: a
 * `Deny` with `NotResource` refuses every other resource, and skipping it would let a session do
 * what AWS refuses. Conditions are not evaluated, always to the stricter side: an `Allow` with
 * one never matches, a `Deny` with one always does.
 */
export function policiesAllow(
  policyTexts: readonly string[],
  action: string,
  resource: string,
): boolean {
  const statements = policyTexts.flatMap(statementsOf)
  const matching = statements.filter(
    (s) =>
      elementCovers(s.Action, s.NotAction, action, true) &&
      elementCovers(s.Resource, s.NotResource, resource, false),
  )
  if (matching.some((s) => s.Effect === 'Deny')) return false
  return matching.some((s) => s.Effect === 'Allow' && s.Condition === undefined)
}

// --- Internal ---

/** One statement of a policy document, its fields unchecked. */
export interface Statement {
  Effect?: unknown
  Action?: unknown
  NotAction?: unknown
  Resource?: unknown
  NotResource?: unknown
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

/**
 * Whether a statement's `Action`/`NotAction` (or `Resource`/`NotResource`) pair covers `value`:
 * the positive element when there is one, else everything the negative one does not list. A
 * statement with neither covers nothing (IAM's grammar refuses it).
 */
export function elementCovers(
  listed: unknown,
  excluded: unknown,
  value: string,
  ignoreCase: boolean,
): boolean {
  if (listed !== undefined) return anyMatch(listed, value, ignoreCase)
  if (excluded !== undefined) return !anyMatch(excluded, value, ignoreCase)
  return false
}

function wildcard(pattern: string, ignoreCase: boolean): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '')
}
