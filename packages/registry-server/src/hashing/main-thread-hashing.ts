import { createHasher, type DigestAlgorithm, type Hasher } from '../digest.js'
import type { UploadHasher, UploadHashing } from './upload-hashing.js'

/**
 * Hashing on the main thread as each write reaches storage (`hashThreads: 0`): no thread to
 * start, no buffer to move, and the digest is ready at commit without reading the blob again. On
 * a single core a worker thread would only add its own cost.
 */
export const mainThreadHashing: UploadHashing = {
  hasher: (algorithm) => new MainThreadHasher(algorithm),
  close: async () => {},
}

class MainThreadHasher implements UploadHasher {
  readonly algorithm: DigestAlgorithm
  #hash: Hasher | undefined

  constructor(algorithm: DigestAlgorithm) {
    this.algorithm = algorithm
    this.#hash = createHasher(algorithm)
  }

  update(chunks: readonly Uint8Array[]): undefined {
    // Hashed from memory as they were written: cheaper on one thread than reading them back.
    for (const chunk of chunks) this.#hash?.update(chunk)
  }

  async digest(): Promise<string> {
    const hash = this.#hash
    if (hash === undefined) throw new Error('this hash has ended')
    this.#hash = undefined
    return hash.digest()
  }

  discard(): void {
    this.#hash = undefined
  }
}
