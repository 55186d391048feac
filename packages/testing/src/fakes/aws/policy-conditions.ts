import { anyMatch } from './session-policy-eval.js'

/**
 * The condition keys the fake knows the presence of: the service ones, which a request carries
 * only when an AWS service makes it on behalf of a resource (Lambda pulling a function's image),
 * and never when an IAM principal does. Every other key may be in a real request with a value the
 * fake cannot know, so a condition on it is left undecided.
 */
const MODELLED_KEYS: ReadonlySet<string> = new Set(['aws:sourcearn', 'aws:sourceaccount'])

/** The operators the fake evaluates; a condition with any other is left undecided. */
const OPERATORS: Readonly<Record<string, (pattern: string, value: string) => boolean>> = {
  StringEquals: (pattern, value) => pattern === value,
  StringLike: (pattern, value) => anyMatch(pattern, value, false),
  // IAM: "The ArnEquals and ArnLike condition operators behave identically" (wildcards in each part).
  ArnEquals: arnMatches,
  ArnLike: arnMatches,
}

/**
 * Whether a statement's `Condition` holds for a request whose modelled keys (lower case) have the
 * values in `context`: `true` or `false` as IAM decides it (every operator and every key of it
 * must match, a key by any of its values; a key the request lacks fails), or `undefined` when the
 * condition uses an operator or key the fake does not model, which the caller must take to the
 * stricter side, as are values the fake cannot compare: a number or boolean (IAM's grammar allows
 * them), a policy variable (`${...}`, which takes its value from the request) or no value at all.
 * A statement without a condition holds.
 */
export function conditionHolds(
  condition: unknown,
  context: Readonly<Record<string, string>>,
): boolean | undefined {
  if (condition === undefined) return true
  if (typeof condition !== 'object' || condition === null) return undefined
  let holds = true
  for (const [operator, keys] of Object.entries(condition)) {
    const test = Object.hasOwn(OPERATORS, operator) ? OPERATORS[operator] : undefined
    if (test === undefined || typeof keys !== 'object' || keys === null) return undefined
    for (const [key, patterns] of Object.entries(keys)) {
      if (!MODELLED_KEYS.has(key.toLowerCase())) return undefined
      const list: unknown[] = Array.isArray(patterns) ? patterns : [patterns]
      const strings = list.filter((p): p is string => typeof p === 'string' && !p.includes('${'))
      if (strings.length === 0 || strings.length !== list.length) return undefined
      const value = context[key.toLowerCase()]
      holds &&= value !== undefined && strings.some((p) => test(p, value))
    }
  }
  return holds
}

// --- Internal ---

/**
 * IAM's ARN comparison: the six colon-separated parts compared one by one (the last holds the
 * rest), each with wildcards, so a wildcard never reaches across a colon into another part.
 */
function arnMatches(pattern: string, value: string): boolean {
  const patternParts = arnParts(pattern)
  const valueParts = arnParts(value)
  if (patternParts === undefined || valueParts === undefined) return false
  return patternParts.every((part, i) => anyMatch(part, valueParts[i] ?? '', false))
}

function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':')
  if (parts.length < 6 || parts[0] !== 'arn') return undefined
  return [...parts.slice(0, 5), parts.slice(5).join(':')]
}
