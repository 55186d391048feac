import { setTimeout as sleep } from 'node:timers/promises'
import type { ArtifactRegistryClient } from '@google-cloud/artifact-registry'
import type { IamPolicy } from './iam-policy.js'
import { isAborted, mapError, platformError } from './map-error.js'
import { memberRefusal } from './member-refusal.js'
import type { PolicyRetryOptions } from './options.js'

/** @internal Where a policy lives and how its updates retry. */
export interface PolicyTarget {
  readonly client: ArtifactRegistryClient
  /** IAM resource name, e.g. `projects/p/locations/l/repositories/r`. */
  readonly resource: string
  readonly retry: Required<PolicyRetryOptions>
}

/**
 * @internal Read a policy as version 3, so conditional bindings come back whole. A failed read
 * is an error (with its mapped code), never an empty policy.
 */
export async function readPolicy(target: Omit<PolicyTarget, 'retry'>): Promise<IamPolicy> {
  try {
    const [policy] = await target.client.getIamPolicy({
      resource: target.resource,
      options: { requestedPolicyVersion: 3 },
    })
    return policy
  } catch (err) {
    throw mapError(err, { operation: 'getIamPolicy', resource: target.resource })
  }
}

/**
 * @internal Read-modify-write of a policy with its etag. When IAM answers `ABORTED` (someone
 * else wrote in between) the whole cycle runs again from a fresh read, a bounded number of times,
 * then fails with `CONFLICT`. `change` returns `undefined` when there is nothing to write.
 */
export async function updatePolicy(
  target: PolicyTarget,
  change: (policy: IamPolicy) => IamPolicy | undefined,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = await readPolicy(target)
    const next = change(current)
    if (next === undefined) return
    if (!hasEtag(next)) {
      // Without an etag IAM writes blindly over whatever is there, conditions included.
      throw platformError(
        'INTERNAL',
        `getIamPolicy on ${target.resource} returned no etag; nothing was written`,
      )
    }
    try {
      await target.client.setIamPolicy({ resource: target.resource, policy: next })
      return
    } catch (err) {
      if (!isAborted(err)) {
        throw (
          memberRefusal(err, target.resource, current, next) ??
          mapError(err, { operation: 'setIamPolicy', resource: target.resource })
        )
      }
      if (attempt >= target.retry.attempts) {
        throw platformError(
          'CONFLICT',
          `setIamPolicy on ${target.resource}: concurrent policy changes won ${attempt} times; gave up`,
          { cause: err },
        )
      }
      await sleep(backoff(attempt, target.retry.baseDelayMs))
    }
  }
}

// --- Internal ---

function hasEtag(policy: IamPolicy): boolean {
  const etag = policy.etag
  return etag !== undefined && etag !== null && etag.length > 0
}

// Exponential with jitter, so writers that collided do not collide again in lockstep.
function backoff(attempt: number, baseDelayMs: number): number {
  const ceiling = baseDelayMs * 2 ** (attempt - 1)
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2)
}
