import type { AccessRequest, RegistryAction } from './authorizer.js'

const ACTIONS = new Set<string>(['pull', 'push', 'delete', '*'])

/**
 * Parse Docker token scopes (`repository:name:pull,push`, `registry:catalog:*`), several per
 * string separated by spaces. The name may contain `host:port`, so actions are split off at the
 * last colon and the type at the first. Unknown types and actions are dropped, not errors.
 */
export function parseScopes(values: readonly string[]): AccessRequest[] {
  const requests: AccessRequest[] = []
  for (const scope of values.flatMap((v) => v.split(' ')).filter(Boolean)) {
    const first = scope.indexOf(':')
    const last = scope.lastIndexOf(':')
    if (first < 0 || last <= first) continue
    const type = withoutResourceClass(scope.slice(0, first))
    const name = scope.slice(first + 1, last)
    const actions = scope
      .slice(last + 1)
      .split(',')
      .filter((a) => ACTIONS.has(a)) as RegistryAction[]
    if ((type === 'repository' || type === 'registry') && name !== '' && actions.length > 0) {
      requests.push({ type, name, actions })
    }
  }
  return requests
}

/**
 * A scope's resource type without its resource class (`repository(plugin)` is a `repository`).
 * Found with two searches, not a regular expression: `/\(.*\)$/` backtracks from every `(`
 * to the end of the text, and a caller with any credential held the event loop for seconds with
 * a form of 60,000 `(`.
 */
function withoutResourceClass(type: string): string {
  const open = type.indexOf('(')
  return open >= 0 && type.endsWith(')') ? type.slice(0, open) : type
}

/** Format access requests as one scope string (for challenges). */
export function formatScope(requests: readonly AccessRequest[]): string {
  return requests.map((r) => `${r.type}:${r.name}:${r.actions.join(',')}`).join(' ')
}
