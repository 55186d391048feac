import type {
  ArtifactRegistry,
  ArtifactRegistryCredentials,
  Permission,
} from '@artifact-registry/core'
import { Option } from 'commander'
import { positiveSeconds } from '../option-values.js'
import { credentialScopeNotice } from '../scope-notice.js'

/** The flags of `credentials` and `login` that say what to mint. */
export interface MintOptions {
  permission: Permission
  ttl?: number
}

/** `--permission pull|push-pull`, default `pull`. */
export function permissionOption(): Option {
  return new Option('--permission <permission>', 'what the credentials allow')
    .choices(['pull', 'push-pull'])
    .default('pull')
}

/** `--ttl SECONDS`: the requested lifetime, clamped to the platform's limits. */
export function ttlOption(): Option {
  return new Option(
    '--ttl <seconds>',
    "requested lifetime in seconds (clamped to the platform's limits; default: the platform's)",
  ).argParser(positiveSeconds)
}

/**
 * Mint credentials for `name` as `options` ask, with an open registry. When they do not live as
 * long as `--ttl` asked, `notice` is told so (see {@link ttlNotice}), and when they may reach more
 * than this repository (see {@link credentialScopeNotice}).
 */
export async function mintWith(
  registry: ArtifactRegistry,
  name: string,
  options: MintOptions,
  notice: (line: string) => void,
): Promise<ArtifactRegistryCredentials> {
  const mintedAt = Date.now()
  const credentials = await registry.generateCredentials(
    name,
    options.permission,
    options.ttl === undefined ? {} : { ttlSeconds: options.ttl },
  )
  const changed = ttlNotice(registry.platform, options.ttl, mintedAt, credentials.expiresAt)
  if (changed !== undefined) notice(changed)
  const reach = credentialScopeNotice(registry.platform, registry.capabilities, name)
  if (reach !== undefined) notice(reach)
  return credentials
}

/**
 * The line that tells a user the credentials do not live as long as `--ttl` asked, or
 * `undefined` when they do. Each platform raises or lowers a lifetime to its own limits (ECR
 * from 15 minutes to 12 hours, GCP at most 1 hour, local at most 7 days), and ACR's tokens keep
 * the lifetime ACR gives them: a user who asked for a day and silently got an hour finds out only
 * when a long job's pushes start failing. `expiresAt` is the truth; this says it differs.
 *
 * @param mintedAt when the mint was asked (ms since the epoch): the request takes a moment, so
 *   only a difference of more than a minute (or 1% of a long lifetime) counts.
 */
export function ttlNotice(
  platform: string,
  requestedSeconds: number | undefined,
  mintedAt: number,
  expiresAt: Date | null,
): string | undefined {
  if (requestedSeconds === undefined || expiresAt === null) return undefined
  const lifetime = Math.round((expiresAt.getTime() - mintedAt) / 1000)
  if (Math.abs(lifetime - requestedSeconds) <= Math.max(60, requestedSeconds / 100))
    return undefined
  return `note: --ttl asked for ${requestedSeconds} s; ${platform} issued credentials that expire at ${expiresAt.toISOString()}, in about ${lifetime} s (the platform's limits)`
}
