import { HashPool } from './hash-pool.js'
import { mainThreadHashing } from './main-thread-hashing.js'
import type { UploadHashing } from './upload-hashing.js'

/**
 * Hashing on the main thread for 0 threads, else on a pool of that many worker threads. A
 * registry without a data directory hashes on the main thread whatever `threads` says: its
 * workers read uploads back from their files, and it has none.
 */
export function uploadHashing(threads: number, onDisk: boolean): UploadHashing {
  return threads === 0 || !onDisk ? mainThreadHashing : new HashPool({ threads })
}
