import type { ArtifactRegistry } from '@artifact-registry/core'
import { lifetimeMismatch, timed } from './lifetime.js'

/**
 * Why pull credentials asked for each of `ttlSeconds` do not expire that long after they were
 * minted (by {@link lifetimeMismatch}, `skewSeconds` either side): empty when all of them do.
 * Works on a repository it creates as `logical` and deletes again whatever happens.
 */
export async function pullLifetimeMismatches(
  registry: ArtifactRegistry,
  logical: string,
  ttlSeconds: readonly number[],
  skewSeconds: number,
): Promise<string[]> {
  const { name } = await registry.createRepository(logical)
  try {
    const mismatches: string[] = []
    for (const ttl of ttlSeconds) {
      const call = await timed(() =>
        registry.generateCredentials(name, 'pull', { ttlSeconds: ttl }),
      )
      const { expiresAt } = call.value
      const mismatch =
        expiresAt === null
          ? `expected credentials that expire after ${ttl} s, got no expiresAt`
          : lifetimeMismatch(expiresAt, call, ttl, skewSeconds)
      if (mismatch !== undefined) mismatches.push(mismatch)
    }
    return mismatches
  } finally {
    await registry.deleteRepository(name)
  }
}
