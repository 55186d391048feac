import { availableParallelism } from 'node:os'

/** The most hashing threads `hashThreads` takes (more than the cores helps no one). */
export const MAX_HASH_THREADS = 8

/**
 * Hashing threads when `hashThreads` is not given: one on a machine with more than one core,
 * else none (a thread would only take turns with the main thread on the one core).
 *
 * Measured with both modes in each of three benchmark runs on a quiet 2-core machine, a hashing
 * thread that reads each write back from the upload's file made a monolithic push about 10%
 * faster and a chunked one 25–60% (with the benchmark's client; 3–55% with curl), and 8
 * concurrent pushes between 4% slower and 37% faster, for 10–25 MB more peak memory on a 2 GiB
 * push and pull (117–133 MB against 105–108 MB).
 */
export function defaultHashThreads(cores: number = availableParallelism()): number {
  return cores > 1 ? 1 : 0
}
