import type { AccessRequest, RegistryAction } from '../auth/authorizer.js'

const ACTIONS: ReadonlySet<string> = new Set<RegistryAction>(['pull', 'push', 'delete', '*'])
const TYPES: ReadonlySet<string> = new Set<AccessRequest['type']>(['repository', 'registry'])

/**
 * Read a token's `access` claim: an array of `{ type, name, actions }` with a known type, a
 * non-empty name and an array of known actions. Anything else, even signed by our key, is no
 * grant at all (`undefined`): rights are checked with `includes`, which a string `"*"` would
 * satisfy as readily as `["*"]`.
 */
export function parseAccessClaim(claim: unknown): AccessRequest[] | undefined {
  if (!Array.isArray(claim)) return undefined
  const requests: AccessRequest[] = []
  for (const entry of claim) {
    if (typeof entry !== 'object' || entry === null) return undefined
    const { type, name, actions } = entry as Record<string, unknown>
    if (typeof type !== 'string' || !TYPES.has(type)) return undefined
    if (typeof name !== 'string' || name === '') return undefined
    if (!Array.isArray(actions) || !actions.every((a) => typeof a === 'string' && ACTIONS.has(a)))
      return undefined
    requests.push({
      type: type as AccessRequest['type'],
      name,
      actions: [...actions] as RegistryAction[],
    })
  }
  return requests
}
