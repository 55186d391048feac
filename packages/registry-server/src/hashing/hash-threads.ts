import { availableParallelism } from 'node:os'

/** The most hashing threads `hashThreads` takes (more than the cores helps no one). */
export const MAX_HASH_THREADS = 8

/**
 * Hashing threads when `hashThreads` is not given: one on a machine with more than one core,
 * else none (a thread would only take turns with the main thread on the one core).
 *
 * Measured with both modes in one benchmark run on a quiet 2-core machine, a hashing thread that
 * reads each write back from the upload's file made a push 10–65% faster (monolithic and
 * chunked, with the benchmark's client and with curl) and 8 concurrent pushes about 15% faster,
 * at the cost of about 8 MB of peak memory on a 2 GiB push and pull (118 MB against 110 MB).
 */
export function defaultHashThreads(cores: number = availableParallelism()): number {
  return cores > 1 ? 1 : 0
}
