import type { Permission } from '@artifact-registry/core'
import type { ScopeMap, Token } from '@azure/arm-containerregistry'
import { scopeMapName } from './scope-map.js'
import { pullScopeMapName, tokenName } from './token-names.js'

/** The scope map a repository's token of `permission` is bound to. */
export function boundScopeMapName(repository: string, permission: Permission): string {
  return permission === 'pull' ? pullScopeMapName(repository) : scopeMapName(repository)
}

/** Whether `token` is bound to the scope map called `mapName` (ARM names ignore case). */
export function isBoundTo(token: Token, mapName: string): boolean {
  const id = token.scopeMapId?.toLowerCase() ?? ''
  return mapName !== '' && id.endsWith(`/scopemaps/${mapName.toLowerCase()}`)
}

/**
 * Whether every password of `token` has expired. A token without passwords has not: it may be
 * one another call just created and is about to give a password.
 */
export function hasExpired(token: Token, now: number): boolean {
  const passwords = token.credentials?.passwords ?? []
  return passwords.length > 0 && passwords.every((p) => expiryOf(p.expiry) <= now)
}

/**
 * Whether the provider may delete `token` to give back its share of the registry's token quota:
 * every password has expired ({@link hasExpired}) and it is not disabled. A disabled token is an
 * administrator's stop on its repository's credentials of that permission (issuing them is
 * refused while it stands): deleting it would let the next issue create a new, enabled token, and
 * undo that stop without anyone being told.
 */
export function isDisposable(token: Token, now: number): boolean {
  return token.status !== 'disabled' && hasExpired(token, now)
}

/** A password's expiry in ms; one without an expiry never expires. */
export function expiryOf(expiry: Date | undefined): number {
  return expiry === undefined ? Number.POSITIVE_INFINITY : expiry.getTime()
}

/** The repository and permission a token of this provider serves. */
export interface TokenOwner {
  readonly repository: string
  readonly permission: Permission
}

const PERMISSIONS: readonly Permission[] = ['pull', 'push-pull']

/** The repository a scope-map action names: `repositories/{repository}/content/read`. */
const CONTENT_READ = /^repositories\/(.+)\/content\/read$/

/**
 * The repository and permission `token` was made for by this provider, or `undefined` for a
 * token it did not make. It is ours only when its name is exactly the one we give a repository's
 * token of a permission, and it is bound to exactly the scope map we bind that token to, which
 * holds that repository's actions (a scope map of that name someone else made does not).
 *
 * @param scopeMaps The registry's scope maps, to find the one the token is bound to.
 */
export function ownerOf(token: Token, scopeMaps: readonly ScopeMap[]): TokenOwner | undefined {
  const mapId = token.scopeMapId?.toLowerCase()
  const map = scopeMaps.find((m) => mapId !== undefined && m.id?.toLowerCase() === mapId)
  if (token.name === undefined || map?.name === undefined) return undefined
  for (const action of map.actions ?? []) {
    const repository = CONTENT_READ.exec(action)?.[1]
    if (repository === undefined) continue
    const permission = PERMISSIONS.find((p) => {
      const names = namesOf(repository, p)
      return (
        names !== undefined &&
        names.token === token.name &&
        names.scopeMap.toLowerCase() === map.name?.toLowerCase()
      )
    })
    if (permission !== undefined) return { repository, permission }
  }
  return undefined
}

// --- Internal ---

/**
 * The names we give `repository`'s token of `permission` and its scope map, or `undefined` when
 * `repository` (read from a scope map someone may have written) is no name we would accept.
 */
function namesOf(
  repository: string,
  permission: Permission,
): { token: string; scopeMap: string } | undefined {
  try {
    return {
      token: tokenName(repository, permission),
      scopeMap: boundScopeMapName(repository, permission),
    }
  } catch {
    return undefined
  }
}
