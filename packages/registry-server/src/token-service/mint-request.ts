import type { Permission } from '@artifact-registry/core'
import { TTL_RULES } from '@artifact-registry/core/ttl'
import { checkMintArguments } from '../auth/credential-store.js'

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

/**
 * Check the JSON body of a mint request: `repository` (a repository name), `permission` (`pull`
 * or `push-pull`), an optional `ttlSeconds` (a whole number from 1 to 7 days) and an optional
 * `ifRepositoryExists` (a boolean), nothing else.
 * A misspelt `ttlSeconds` left the default hour to a credential asked for a minute, and a TTL
 * past the limit was cut to a week where `generateCredentials` refuses it: both are refused, the
 * values as `generateCredentials` refuses them (`checkMintArguments`).
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
  const ttl = ttlSeconds === undefined ? TTL_RULES.local.defaultSeconds : ttlSeconds
  checkMintArguments(repository, permission, ttl)
  if (typeof ifRepositoryExists !== 'boolean')
    throw new TypeError('ifRepositoryExists must be true or false')
  return {
    repository: repository as string,
    permission: permission as Permission,
    ttlSeconds: ttl as number,
    ifRepositoryExists,
  }
}
