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
    const type = scope.slice(0, first).replace(/\(.*\)$/, '')
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

/** Format access requests as one scope string (for challenges). */
export function formatScope(requests: readonly AccessRequest[]): string {
  return requests.map((r) => `${r.type}:${r.name}:${r.actions.join(',')}`).join(' ')
}
