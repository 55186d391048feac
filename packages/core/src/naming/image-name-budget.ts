import { SHORT_HASH_LENGTH } from './short-hash.js'

/**
 * The longest image name Docker's reference grammar takes, registry host (and port) included:
 * `docker pull`, containerd and skopeo refuse a longer `{host}/{repository}` as too long,
 * whatever the registry itself allows.
 */
export const MAX_IMAGE_NAME_LENGTH = 255

/**
 * The fewest characters an adapted platform name takes: one of the stem, then `-x` and the hash.
 * A prefix that leaves less than this beside it cannot hold every logical name.
 */
export const MIN_ADAPTED_NAME_LENGTH: number = 1 + 2 + SHORT_HASH_LENGTH

/**
 * How long a repository name served at `host` (`host[:port]`, no scheme) may be, so that
 * `{host}/{name}` stays within {@link MAX_IMAGE_NAME_LENGTH}, capped at the platform's own
 * maximum for a repository name.
 *
 * @example
 * ```ts
 * imageNameBudget('123456789012.dkr.ecr.us-east-1.amazonaws.com', 256) // 210
 * ```
 */
export function imageNameBudget(host: string, platformMaxLength: number): number {
  return Math.min(platformMaxLength, MAX_IMAGE_NAME_LENGTH - host.length - 1)
}
