import { setTimeout as sleep } from 'node:timers/promises'
import { KeyedSerialQueue } from '@artifact-registry/core'
import type { ArtifactRegistryClient } from '@google-cloud/artifact-registry'
import type { IamPolicy } from './iam-policy.js'
import { isAborted, mapError, platformError } from './map-error.js'
import { memberRefusal } from './member-refusal.js'
import type { PolicyRetryOptions } from './options.js'

/**
 * @internal Where a policy lives, how it is read and written, and how its updates retry: the
 * same read-modify-write serves a GAR repository's policy (through the Artifact Registry SDK)
 * and a service account's (through IAM's REST API).
 */
export interface PolicyTarget {
  /** IAM resource name, e.g. `projects/p/locations/l/repositories/r`. */
  readonly resource: string
  readonly retry: Required<PolicyRetryOptions>
  /** `getIamPolicy` asking for version 3; throws what the client threw. */
  readonly get: () => Promise<IamPolicy>
  /** `setIamPolicy` of the whole policy, etag included; throws what the client threw. */
  readonly set: (policy: IamPolicy) => Promise<unknown>
}

/** @internal The policy of a GAR repository, read and written through the Artifact Registry SDK. */
export function garPolicyTarget(
  client: ArtifactRegistryClient,
  resource: string,
  retry: Required<PolicyRetryOptions>,
): PolicyTarget {
  return {
    resource,
    retry,
    get: async () => {
      const [policy] = await client.getIamPolicy({
        resource,
        options: { requestedPolicyVersion: 3 },
      })
      return policy
    },
    set: (policy) => client.setIamPolicy({ resource, policy }),
  }
}

/**
 * @internal Read a policy as version 3, so conditional bindings come back whole. A failed read
 * is an error (with its mapped code), never an empty policy.
 */
export async function readPolicy(
  target: Pick<PolicyTarget, 'get' | 'resource'>,
): Promise<IamPolicy> {
  try {
    return await target.get()
  } catch (err) {
    throw mapError(err, { operation: 'getIamPolicy', resource: target.resource })
  }
}

// One queue for the process, not one per provider: providers of one GAR repository (one per
// image path, say) change the same policy. Keys are IAM resource names, which name the project.
const policyChanges = new KeyedSerialQueue()

/**
 * @internal Read-modify-write of a policy with its etag. When IAM answers `ABORTED` (someone
 * else wrote in between) the whole cycle runs again from a fresh read, a bounded number of times,
 * then fails with `CONFLICT`. `change` returns `undefined` when there is nothing to write. Changes
 * of one policy made in this process run one after another, so they never race each other.
 */
export function updatePolicy(
  target: PolicyTarget,
  change: (policy: IamPolicy) => IamPolicy | undefined,
): Promise<void> {
  return policyChanges.run(target.resource, () => updateWithRetries(target, change))
}

// --- Internal ---

async function updateWithRetries(
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
      await target.set(next)
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

function hasEtag(policy: IamPolicy): boolean {
  const etag = policy.etag
  return etag !== undefined && etag !== null && etag.length > 0
}

/**
 * @internal The delay before retry `attempt + 1`: exponential with jitter, so writers that
 * collided do not collide again in lockstep.
 */
export function backoff(attempt: number, baseDelayMs: number): number {
  const ceiling = baseDelayMs * 2 ** (attempt - 1)
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2)
}
