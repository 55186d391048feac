import type { Permission } from '@artifact-registry/core'
import type { AccessRequest, RegistryAction } from './authorizer.js'

/** What an authenticated caller may do. */
export type Rights =
  | { kind: 'admin'; subject: string }
  | {
      kind: 'scoped'
      subject: string
      /** Each granted resource with its actions (a credential has one; a token may have several). */
      grants: AccessRequest[]
    }

const ALL: RegistryAction[] = ['pull', 'push', 'delete']

/**
 * The actions a credential of `permission` holds on its repository. push-pull also deletes;
 * anything else (a record from a hand-edited file) holds none.
 */
export function actionsOf(permission: Permission): RegistryAction[] {
  if (permission === 'pull') return ['pull']
  return permission === 'push-pull' ? ['pull', 'push', 'delete'] : []
}

/** What of `request` the rights allow: the intersection, possibly empty. */
export function grant(rights: Rights, request: AccessRequest): RegistryAction[] {
  const wanted = expand(request.actions)
  if (rights.kind === 'admin') return request.type === 'registry' ? request.actions : wanted
  const held = rights.grants
    .filter((g) => g.type === request.type && g.name === request.name)
    .flatMap((g) => expand(g.actions))
  return wanted.filter((a) => held.includes(a))
}

/** Whether the rights allow every action of every request. */
export function allows(rights: Rights, requests: readonly AccessRequest[]): boolean {
  return requests.every((r) => {
    if (rights.kind === 'admin') return true
    // Registry-wide resources (the catalog) are held only by name, as in an admin's token.
    const given = grant(rights, r)
    return expand(r.actions).every((a) => given.includes(a))
  })
}

function expand(actions: readonly RegistryAction[]): RegistryAction[] {
  return actions.includes('*') ? ALL : [...new Set(actions)]
}
