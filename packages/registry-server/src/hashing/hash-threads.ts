import { availableParallelism } from 'node:os'

/** The most hashing threads `hashThreads` takes (more than the cores helps no one). */
export const MAX_HASH_THREADS = 8

/**
 * Hashing threads when `hashThreads` is not given: none on a single core, where a worker only
 * adds its own cost to the one core; otherwise one per core beyond the first, at most two.
 */
export function defaultHashThreads(cores: number = availableParallelism()): number {
  return cores <= 1 ? 0 : Math.min(2, cores - 1)
}
