import type { Permission } from '@artifact-registry/core'
import { TTL_RULES } from '@artifact-registry/core/ttl'
import { isRepositoryName } from '../names.js'

/** What `POST /_artifact-registry/credentials` asks for, checked. */
export interface MintRequest {
  repository: string
  permission: Permission
  /** As asked, or the local platform's default (an hour) when left out. */
  ttlSeconds: number
  /** Mint only for a repository that holds something (where the repositories are known). */
  ifRepositoryExists: boolean
}

const FIELDS: ReadonlySet<string> = new Set([
  'repository',
  'permission',
  'ttlSeconds',
  'ifRepositoryExists',
])

/** The longest a credential may live, as `generateCredentials` allows: 7 days. */
const MAX_TTL_SECONDS = TTL_RULES.local.maxSeconds

/**
 * Check the JSON body of a mint request: `repository` (a repository name), `permission` (`pull`
 * or `push-pull`), an optional `ttlSeconds` (a whole number from 1 to 7 days) and an optional
 * `ifRepositoryExists` (a boolean), nothing else.
 * A misspelt `ttlSeconds` left the default hour to a credential asked for a minute, and a TTL
 * past the limit was cut to a week where `generateCredentials` refuses it: both are refused.
 *
 * @throws TypeError naming what is wrong
 */
export function parseMintRequest(body: unknown): MintRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new TypeError('the body must be a JSON object')
  const unknown = Object.keys(body).filter((field) => !FIELDS.has(field))
  if (unknown.length > 0)
    throw new TypeError(
      `unknown field ${JSON.stringify(unknown[0])}: the body takes repository, permission, ttlSeconds and ifRepositoryExists`,
    )
  const {
    repository,
    permission,
    ttlSeconds,
    ifRepositoryExists = false,
  } = body as Record<string, unknown>
  if (typeof repository !== 'string' || !isRepositoryName(repository))
    throw new TypeError('repository must be a valid repository name')
  if (permission !== 'pull' && permission !== 'push-pull')
    throw new TypeError('permission must be pull or push-pull')
  if (typeof ifRepositoryExists !== 'boolean')
    throw new TypeError('ifRepositoryExists must be true or false')
  if (ttlSeconds === undefined)
    return {
      repository,
      permission,
      ttlSeconds: TTL_RULES.local.defaultSeconds,
      ifRepositoryExists,
    }
  if (typeof ttlSeconds !== 'number' || !Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1)
    throw new TypeError('ttlSeconds must be a positive integer')
  if (ttlSeconds > MAX_TTL_SECONDS)
    throw new TypeError(`ttlSeconds must be at most ${MAX_TTL_SECONDS} (7 days)`)
  return { repository, permission, ttlSeconds, ifRepositoryExists }
}
