import { setTimeout as sleep } from 'node:timers/promises'
import type { ArtifactRegistryError } from '@artifact-registry/core'
import { awsErrorName, platformError } from './map-error.js'

/**
 * ECR's `SetRepositoryPolicy` refused a principal it cannot find. IAM is eventually consistent, so
 * a role created seconds ago is refused the same way as one that does not exist.
 */
export class PrincipalNotFound extends Error {
  constructor(
    /** The principals the refused policy added (or, when it added none, all of them). */
    readonly principals: readonly string[],
    readonly sdkError: unknown,
  ) {
    super('Principal not found')
    this.name = 'PrincipalNotFound'
  }
}

/** Whether an SDK error is ECR's "Principal not found" (`InvalidParameterException`). */
export function isPrincipalNotFound(err: unknown): boolean {
  const message = err instanceof Error ? err.message : ''
  return awsErrorName(err) === 'InvalidParameterException' && /principal not found/i.test(message)
}

/**
 * Run `attempt` (one whole read-modify-write of a policy, so each try starts from the policy as it
 * is then), and again after each of `delaysMs` while it throws {@link PrincipalNotFound}.
 *
 * @throws ArtifactRegistryError `INVALID_ARGUMENT` naming the principal(s) when the last attempt
 *   is refused too; whatever else `attempt` throws, at once.
 */
export async function withPrincipalRetry<T>(
  delaysMs: readonly number[],
  repository: string,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt()
    } catch (err) {
      if (!(err instanceof PrincipalNotFound)) throw err
      const delay = delaysMs[retry]
      if (delay === undefined) throw unknownPrincipal(repository, err, delaysMs)
      await sleep(delay)
    }
  }
}

// --- Internal ---

function unknownPrincipal(
  repository: string,
  err: PrincipalNotFound,
  delaysMs: readonly number[],
): ArtifactRegistryError {
  const [only] = err.principals
  const which =
    err.principals.length === 1 && only !== undefined
      ? `the principal ${only}`
      : `one of the principals ${err.principals.join(', ')}`
  const waited = delaysMs.reduce((sum, ms) => sum + ms, 0) / 1000
  return platformError(
    'INVALID_ARGUMENT',
    `SetRepositoryPolicy failed for repository "${repository}": ECR does not know ${which} ` +
      `("Principal not found"), still after retrying for ${waited} s. The role or user must exist; ` +
      'one created moments ago may need longer to reach ECR (see principalRetry).',
    { cause: err.sdkError },
  )
}
