import { randomUUID } from 'node:crypto'
import { createHasher, type DigestAlgorithm, type Hasher, parseDigest } from './digest.js'
import { KeyedMutex } from './locks.js'
import { OciError } from './oci-errors.js'
import type { RegistryStore } from './storage/registry-store.js'

/** What a PATCH or PUT says about where its bytes go (`Content-Range: start-end`). */
export interface ChunkRange {
  start: number
  end: number
}

interface LiveSession {
  /** Hash of the bytes so far; dropped when it may disagree with the stored bytes. */
  hasher: Hasher | undefined
}

/**
 * Blob upload sessions: chunks hashed while they stream to storage, out-of-order chunks refused
 * with 416 while the session stays usable, completion verified against the client's digest.
 * Sessions are persisted by the blob store, so an upload can be finished after a restart.
 */
export class UploadSessions {
  readonly #store: RegistryStore
  readonly #live = new Map<string, LiveSession>()
  readonly #mutex = new KeyedMutex()

  constructor(store: RegistryStore) {
    this.#store = store
  }

  /** Open a session for `repository`; returns its id. */
  async start(repository: string, algorithm: DigestAlgorithm = 'sha256'): Promise<string> {
    const id = randomUUID()
    await this.#store.blobs.createUpload(id, { repository, algorithm, startedAt: Date.now() })
    this.#live.set(id, { hasher: createHasher(algorithm) })
    return id
  }

  /** Bytes received so far. @throws OciError BLOB_UPLOAD_UNKNOWN */
  async size(repository: string, id: string): Promise<number> {
    return (await this.#state(repository, id)).size
  }

  /** Append a chunk (or a whole stream when `range` is undefined). Returns the new size. */
  append(
    repository: string,
    id: string,
    body: AsyncIterable<Uint8Array>,
    range: ChunkRange | undefined,
  ): Promise<number> {
    return this.#mutex.run(id, async () => {
      const state = await this.#state(repository, id)
      if (range !== undefined && range.start !== state.size) {
        throw new OciError('RANGE_INVALID', {
          detail: `chunk starts at ${range.start}, upload is at ${state.size}`,
          headers: { Range: rangeHeader(state.size) },
        })
      }
      const live = this.#live.get(id)
      const hasher = live?.hasher
      try {
        const written = await this.#store.blobs.append(id, body, (c) => hasher?.update(c))
        if (range !== undefined && written !== range.end - range.start + 1) {
          throw new OciError('SIZE_INVALID', {
            detail: `Content-Range announced ${range.end - range.start + 1} bytes, got ${written}`,
          })
        }
        return state.size + written
      } catch (err) {
        // Bytes the hash saw may not all be on disk: rebuild the hash from storage later.
        if (live) live.hasher = undefined
        throw err
      }
    })
  }

  /** Verify the digest, commit the blob and link it into the repository. */
  finish(repository: string, id: string, digest: string): Promise<void> {
    return this.#mutex.run(id, async () => {
      await this.#state(repository, id)
      const parsed = parseDigest(digest)
      if (parsed === undefined)
        throw new OciError('DIGEST_INVALID', { detail: `invalid digest ${digest}` })
      const actual = await this.#digestOf(id, parsed.algorithm)
      if (actual !== digest) {
        await this.cancelNow(id)
        throw new OciError('DIGEST_INVALID', { detail: `content digest is ${actual}` })
      }
      try {
        await this.#store.gcLock.shared(async () => {
          await this.#store.blobs.commitUpload(id, digest)
          await this.#store.linkBlob(repository, digest)
        })
      } finally {
        // The hash was spent on the digest; a retry after a failure rebuilds it from storage.
        this.#live.delete(id)
      }
    })
  }

  /** Cancel a session. @throws OciError BLOB_UPLOAD_UNKNOWN */
  cancel(repository: string, id: string): Promise<void> {
    return this.#mutex.run(id, async () => {
      await this.#state(repository, id)
      await this.cancelNow(id)
    })
  }

  /** Remove sessions started before `cutoff` (epoch ms). Returns how many. */
  async purgeOlderThan(cutoff: number): Promise<number> {
    let purged = 0
    for (const id of await this.#store.blobs.listUploads()) {
      const state = await this.#store.blobs.uploadState(id)
      if (state === undefined || state.startedAt < cutoff) {
        await this.#mutex.run(id, () => this.cancelNow(id))
        purged += 1
      }
    }
    return purged
  }

  /** @internal */
  async cancelNow(id: string): Promise<void> {
    this.#live.delete(id)
    await this.#store.blobs.deleteUpload(id)
  }

  async #state(
    repository: string,
    id: string,
  ): Promise<{ size: number; algorithm: DigestAlgorithm }> {
    const state = /^[a-f0-9-]{36}$/.test(id) ? await this.#store.blobs.uploadState(id) : undefined
    if (state === undefined || state.repository !== repository)
      throw new OciError('BLOB_UPLOAD_UNKNOWN')
    if (!this.#live.has(id)) this.#live.set(id, { hasher: undefined })
    return state
  }

  async #digestOf(id: string, algorithm: DigestAlgorithm): Promise<string> {
    const live = this.#live.get(id)
    if (live?.hasher && live.hasher.algorithm === algorithm) {
      const digest = live.hasher.digest()
      live.hasher = undefined // a hash yields its digest once
      return digest
    }
    // After a restart, a failed chunk or a different algorithm: hash what storage holds.
    const hasher = createHasher(algorithm)
    for await (const chunk of this.#store.blobs.readUpload(id)) hasher.update(chunk)
    return hasher.digest()
  }
}

/** The `Range` header of an upload of `size` bytes (`0-0` when empty, as distribution sends). */
export function rangeHeader(size: number): string {
  return `0-${Math.max(0, size - 1)}`
}
