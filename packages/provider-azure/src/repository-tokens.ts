import {
  type ArtifactRegistryCredentials,
  ArtifactRegistryError,
  isArtifactRegistryError,
  type Permission,
} from '@artifact-registry/core'
import type { ScopeMap, Token, TokenPasswordName } from '@azure/arm-containerregistry'
import type { AcrTokens } from './acr-tokens.js'
import type { Clock } from './clock.js'
import { platformError, repositoryNotFound } from './map-error.js'
import { isQuotaExceeded } from './quota.js'
import {
  hasExactly,
  hasRepositoryActions,
  isScopeMapOf,
  SCOPE_MAP_ACTIONS,
  type ScopeMaps,
} from './scope-map.js'
import { pullScopeMapName, tokenName } from './token-names.js'
import { boundScopeMapName, expiryOf, isBoundTo } from './token-ownership.js'
import { sweepExpiredTokens } from './token-sweep.js'

/** What {@link RepositoryTokens} needs. */
export interface RepositoryTokensDeps {
  readonly scopeMaps: ScopeMaps
  readonly tokens: AcrTokens
  /** `host[:port]` the credentials log in to. */
  readonly loginServer: string
  /** Time as the provider sees it: password expiries are absolute. */
  readonly clock: Clock
  /** Whether a repository is this binding's: a quota sweep never deletes another's tokens. */
  readonly manages: (repository: string) => boolean
}

/** The two password slots every ACR token has. */
const SLOTS: readonly TokenPasswordName[] = ['password1', 'password2']

const PERMISSIONS: readonly Permission[] = ['pull', 'push-pull']

/**
 * The last operation per registry and repository, for the whole process: every issue and removal
 * of a repository's tokens waits for the one before, whichever provider instance made it, so two
 * calls never take the same slot, nor delete a token another call is about to use (two instances
 * of one binding, a library's and the application's, are common). A quota sweep, run inside one
 * repository's operation, never waits here: it skips repositories with an operation under way and
 * holds the others while it deletes, so no two operations wait on each other.
 */
const PENDING = new Map<string, Promise<unknown>>()

/**
 * Credentials of the `repository-token` mode: for each repository and permission one ACR token,
 * bound to a scope map that allows exactly that permission (pull: the repository's `--pull`
 * scope map, `content/read` and `metadata/read`; push-pull: the repository's own scope map), and
 * a password generated to expire exactly at the requested TTL.
 *
 * A token has two password slots, so at most two credentials per repository and permission are
 * valid at once: a new one takes an empty or expired slot, or else the slot of the password that
 * expires first, which stops working. A token whose passwords have all expired is deleted when a
 * new token does not fit the registry's token quota, by a sweep of every repository's (see
 * {@link sweepExpiredTokens}); every token of a repository goes when the repository is deleted.
 */
export class RepositoryTokens {
  readonly #deps: RepositoryTokensDeps

  constructor(deps: RepositoryTokensDeps) {
    this.#deps = deps
  }

  /**
   * Basic credentials for `repository` with `permission`, valid for exactly `ttlSeconds`.
   *
   * @param readRepositoryMap Reads the repository's own scope map (`NOT_FOUND` when it has none).
   *   It is read once every earlier operation on the repository's tokens has settled, so a
   *   repository that {@link forget} deleted meanwhile is found gone, not given a new token; and
   *   read again once the password exists, so one that another process deleted meanwhile is too.
   * @throws ArtifactRegistryError `CONFLICT` when the token or pull scope map of that name belongs
   *   to someone else; `PERMISSION_DENIED` when the token was disabled.
   */
  issue(
    repository: string,
    readRepositoryMap: () => Promise<ScopeMap>,
    permission: Permission,
    ttlSeconds: number,
  ): Promise<ArtifactRegistryCredentials> {
    return this.#serialized(repository, async () => {
      const repositoryMap = await readRepositoryMap()
      let issued: ArtifactRegistryCredentials
      try {
        issued = await this.#issue(repository, repositoryMap, permission, ttlSeconds)
      } catch (error) {
        // A step may fail because another process deleted the repository meanwhile: ARM refuses
        // a token bound to a scope map it deleted (400), or a password of a token it deleted.
        // That is NOT_FOUND, as if asked a moment later, and what this issue made goes again.
        throw await this.#deletedMeanwhile(repository, readRepositoryMap).then(
          (gone) => gone ?? error,
          () => error,
        )
      }
      const gone = await this.#deletedMeanwhile(repository, readRepositoryMap)
      if (gone !== undefined) throw gone
      return issued
    })
  }

  /**
   * Delete the repository's tokens and its pull scope map, then run `afterwards` (what deletes the
   * rest of the repository, its own scope map last), then delete its tokens and pull scope map
   * once more, before any later operation on the repository's tokens: a credential asked for
   * meanwhile is issued once the repository is gone, and so finds it gone, instead of binding a
   * new token to it. Tokens and scope maps of those names that are not the repository's are left
   * alone.
   *
   * The second pass is for other processes, whose calls nothing here can hold back: one may
   * create a token and hand out its password after the first pass read the tokens. Any token
   * created before the second pass reads them is deleted by it; one created later finds the scope
   * map gone when its issue checks again (see {@link issue}), and its password is never handed
   * out.
   */
  forget(repository: string, afterwards: () => Promise<void>): Promise<void> {
    return this.#serialized(repository, async () => {
      await this.#forget(repository)
      await afterwards()
      await this.#forget(repository)
    })
  }

  /** The repository's key in {@link PENDING}: the login server names the registry. */
  #key(repository: string): string {
    return `${this.#deps.loginServer}/${repository}`
  }

  /** Run `operation` once every earlier operation on `repository`'s tokens has settled. */
  #serialized<T>(repository: string, operation: () => Promise<T>): Promise<T> {
    const key = this.#key(repository)
    const previous = PENDING.get(key) ?? Promise.resolve()
    const result = previous.then(operation, operation)
    const settled = result.catch(() => undefined)
    PENDING.set(key, settled)
    void settled.then(() => {
      if (PENDING.get(key) === settled) PENDING.delete(key)
    })
    return result
  }

  /**
   * After a password was generated (or a step of the issue failed), read the repository's scope
   * map again: another process may have deleted the repository while this one issued, after its
   * last pass over the tokens (see {@link forget}). Then the password is not handed out: the
   * tokens and pull scope map this issue may have created again are deleted, and the `NOT_FOUND`
   * the caller gets is returned, as if it had asked a moment later; `undefined` while the
   * repository exists. That cleanup is best effort: a token it leaves holds only the password
   * nobody was given, and the quota sweep takes it once that expires.
   *
   * @throws what reading the scope map throws, but `NOT_FOUND`.
   */
  async #deletedMeanwhile(
    repository: string,
    readRepositoryMap: () => Promise<ScopeMap>,
  ): Promise<ArtifactRegistryError | undefined> {
    try {
      await readRepositoryMap()
      return undefined
    } catch (error) {
      if (!isArtifactRegistryError(error, 'NOT_FOUND')) throw error
      await this.#forget(repository).catch(() => undefined)
      return error
    }
  }

  async #forget(repository: string): Promise<void> {
    const { tokens, scopeMaps } = this.#deps
    await Promise.all(
      PERMISSIONS.map(async (permission) => {
        const token = await tokens.getNamed(tokenName(repository, permission))
        if (token !== undefined && isBoundTo(token, boundScopeMapName(repository, permission))) {
          await tokens.deleteNamed(tokenName(repository, permission))
        }
      }),
    )
    const pullMap = await scopeMaps.getNamed(pullScopeMapName(repository))
    if (pullMap !== undefined && isScopeMapOf(pullMap, repository)) {
      await scopeMaps.deleteNamed(pullScopeMapName(repository))
    }
  }

  async #issue(
    repository: string,
    repositoryMap: ScopeMap,
    permission: Permission,
    ttlSeconds: number,
  ): Promise<ArtifactRegistryCredentials> {
    const { tokens, clock, loginServer } = this.#deps
    const map = await this.#scopeMapFor(repository, repositoryMap, permission)
    const token = await this.#tokenFor(repository, permission, map)
    const now = clock.now()
    const expiry = new Date(now + ttlSeconds * 1000)
    const generated = await tokens.generatePassword(token, passwordSlot(token, now), expiry)
    return {
      authMethod: 'basic',
      registry: loginServer,
      username: generated.username,
      password: generated.password,
      // What ARM reports is the truth; it is the requested expiry unless ACR changed it.
      expiresAt: generated.expiry ?? expiry,
    }
  }

  /** The scope map tokens of `permission` are bound to, created or corrected as needed. */
  async #scopeMapFor(
    repository: string,
    repositoryMap: ScopeMap,
    permission: Permission,
  ): Promise<ScopeMap> {
    const { scopeMaps } = this.#deps
    if (permission === 'push-pull') {
      // A scope map written by an older version may lack actions push-pull needs (delete); one
      // edited by hand may hold more (another repository's, a wildcard), which the token would get.
      // Updated, never created: another process may have deleted the repository since it was
      // read, and a PUT would bring it back, bound to a push token nothing deletes any more.
      // One an update left Failed is updated again: what the registry enforces for it is unknown.
      const settled = repositoryMap.provisioningState !== 'Failed'
      if (settled && hasRepositoryActions(repositoryMap, repository)) return repositoryMap
      return scopeMaps.update(repository).catch((error: unknown) => {
        throw isArtifactRegistryError(error, 'NOT_FOUND')
          ? repositoryNotFound(repository, error)
          : error
      })
    }
    const name = pullScopeMapName(repository)
    const actions = pullActions(repository)
    const existing = await scopeMaps.getNamed(name)
    if (existing === undefined) return scopeMaps.createNamed(name, actions)
    // One an update left Failed is still whoever's it was: never written over if not ours.
    if (!isPullScopeMapOf(existing, repository)) throw foreign('Scope map', name, repository)
    const settled = existing.provisioningState !== 'Failed'
    return settled && hasExactly(existing, actions)
      ? existing
      : scopeMaps.createNamed(name, actions)
  }

  /**
   * The repository's token for `permission`, bound to `map`: created when missing. The other
   * permission's token is left alone, even with every password expired: another process may be
   * writing a password into it at this moment, and a delete decided on an older read would end
   * the credential it hands out (docs/cloud-calls.md#the-other-permissions-token). Kept, it holds
   * no more of the token quota than its scope map holds of the scope-map quota, which is as large;
   * and when a token does not fit, the quota sweep deletes expired ones.
   */
  async #tokenFor(repository: string, permission: Permission, map: ScopeMap): Promise<Token> {
    const { tokens } = this.#deps
    const name = tokenName(repository, permission)
    const token = await tokens.getNamed(name)
    if (token !== undefined) {
      // One an update left Failed is still whoever's it was: putting it again would rebind
      // someone else's token (the passwords its holders have) to this repository, or enable a
      // token an administrator disabled.
      if (!isBoundTo(token, map.name ?? '')) throw foreign('Token', name, repository)
      if (token.status === 'disabled') {
        throw platformError(
          'PERMISSION_DENIED',
          `Token "${name}" of repository "${repository}" is disabled; an administrator disabled it: enable it, or delete it to have a new one created`,
        )
      }
      if (token.provisioningState !== 'Failed') return token
    }
    if (map.id === undefined) {
      throw platformError('INTERNAL', `ARM returned the scope map "${map.name}" without an id`)
    }
    return this.#createToken(name, map.id)
  }

  /**
   * Create the token `name` bound to `scopeMapId`. When the registry's token quota is used up,
   * sweep our tokens whose passwords have all expired (idle repositories' tokens, which nothing
   * else deletes) and try once more; the quota error stands when nothing could be swept or the
   * room was taken again.
   */
  async #createToken(name: string, scopeMapId: string): Promise<Token> {
    const { tokens, scopeMaps, clock, manages } = this.#deps
    try {
      return await tokens.create(name, scopeMapId)
    } catch (err) {
      if (!(err instanceof ArtifactRegistryError && isQuotaExceeded(err.cause))) throw err
      const claimIfIdle = <T>(repository: string, operation: () => Promise<T>) =>
        PENDING.has(this.#key(repository)) ? undefined : this.#serialized(repository, operation)
      const swept = await sweepExpiredTokens({ tokens, scopeMaps, clock, manages, claimIfIdle })
      if (swept === 0) throw err
      return tokens.create(name, scopeMapId)
    }
  }
}

// --- Internal ---

/** The actions pull tokens get: read content and metadata (tags) of the one repository. */
function pullActions(repository: string): string[] {
  return SCOPE_MAP_ACTIONS.pull.map((a) => `repositories/${repository}/${a}`)
}

/** The slot a new password takes: an empty one, else an expired one, else the first to expire. */
function passwordSlot(token: Token, now: number): TokenPasswordName {
  const passwords = token.credentials?.passwords ?? []
  const expiries = SLOTS.map((slot) => {
    const held = passwords.find((p) => p.name === slot)
    return held === undefined ? Number.NEGATIVE_INFINITY : expiryOf(held.expiry)
  })
  const empty = expiries.findIndex((e) => e === Number.NEGATIVE_INFINITY || e <= now)
  const index = empty !== -1 ? empty : expiries.indexOf(Math.min(...expiries))
  return SLOTS[index] ?? 'password1'
}

/**
 * Whether a scope map of the pull scope map's name is this repository's: it reads the repository
 * (`content/read`), and every action it holds is on the repository's path. Ours edited by hand
 * (an action added, even one on a path below ours) is corrected. One that reads only a path below
 * ours (`repositories/{repository}/team/…`, another's repository) is not ours: rewriting it would
 * give its tokens, and the passwords their holders have, this repository.
 */
function isPullScopeMapOf(map: ScopeMap, repository: string): boolean {
  const onPath = map.actions?.every((a) => a.startsWith(`repositories/${repository}/`)) ?? false
  return onPath && isScopeMapOf(map, repository)
}

function foreign(kind: string, name: string, repository: string): Error {
  return platformError(
    'CONFLICT',
    `${kind} "${name}" exists but is not the one of repository "${repository}"; rename or delete it`,
  )
}
