import { HashPool } from './hash-pool.js'
import { mainThreadHashing } from './main-thread-hashing.js'
import type { UploadHashing } from './upload-hashing.js'

/** Hashing on the main thread for 0 threads, else on a pool of that many worker threads. */
export function uploadHashing(threads: number): UploadHashing {
  return threads === 0 ? mainThreadHashing : new HashPool({ threads })
}
