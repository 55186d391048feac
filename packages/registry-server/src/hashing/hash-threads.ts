/** The most hashing threads `hashThreads` takes (more than the cores helps no one). */
export const MAX_HASH_THREADS = 8

/**
 * Hashing threads when `hashThreads` is not given: none, so uploads are hashed on the main
 * thread. Measured with both modes in one benchmark run on a quiet 2-core machine, a hashing
 * thread made one push 5–15% faster but 8 concurrent pushes 30% slower (every core was busy and
 * it adds work), and took the peak memory of a 2 GiB push and pull from 110 MB to 131 MB: a
 * registry serves many pushes at once, so it is opt-in.
 */
export const DEFAULT_HASH_THREADS = 0
