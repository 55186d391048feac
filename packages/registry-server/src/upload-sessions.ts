import { randomUUID } from 'node:crypto'
import { ConcurrencyCap } from './concurrency-cap.js'
import { createHasher, type DigestAlgorithm, parseDigest } from './digest.js'
import type { UploadHasher, UploadHashing } from './hashing/upload-hashing.js'
import { KeyedMutex } from './locks.js'
import { errorFields, type Log } from './log.js'
import { OciError } from './oci-errors.js'
import type { CapLimits } from './request-limits.js'
import type { MutationGuard, RegistryStore } from './storage/registry-store.js'

// A session slot frees when another upload of the credential finishes: worth a retry soon.
const SESSION_RETRY_AFTER_SECONDS = 10

/** What a PATCH or PUT says about where its bytes go (`Content-Range: start-end`). */
export interface ChunkRange {
  start: number
  end: number
}

/** What {@link UploadSessions.open} may be told besides its store, caps and hashing. */
export interface UploadSessionOptions {
  /** Where a lost hash is reported. */
  log?: Log | undefined
  /**
   * How long after its start a session may be used: from then on it is `BLOB_UPLOAD_UNKNOWN`, as
   * it will be once purged. @default no end
   */
  expirySeconds?: number
  /** Lets sessions whose owner lost its credential make room (see {@link UploadSessions.start}). */
  ownerHeld?: OwnerStillHeld | undefined
}

interface LiveSession {
  /** Hash of the bytes so far; dropped when it may disagree with the stored bytes. */
  hasher: UploadHasher | undefined
}

/**
 * Blob upload sessions: chunks hashed as they reach storage (on the main thread or a worker
 * thread, see {@link UploadHashing}), out-of-order chunks refused with 416 while the session
 * stays usable, completion verified against the client's digest.
 * Sessions are persisted by the blob store, so an upload can be finished after a restart. How
 * many may be open at once is capped per owner (credential) and in total.
 */
export class UploadSessions {
  readonly #store: RegistryStore
  readonly #live = new Map<string, LiveSession>()
  readonly #mutex = new KeyedMutex()
  readonly #cap: ConcurrencyCap
  readonly #hashes: UploadHashing
  readonly #log: Log | undefined
  /** The owner of every open session, whose count it holds. */
  readonly #owners = new Map<string, string>()
  /** How long after its start a session may be used. */
  readonly #lifetimeMs: number
  /** Whether an owner still holds its credential (see {@link OwnerStillHeld}). */
  readonly #ownerHeld: OwnerStillHeld | undefined

  private constructor(
    store: RegistryStore,
    cap: ConcurrencyCap,
    hashes: UploadHashing,
    options: UploadSessionOptions,
  ) {
    this.#store = store
    this.#cap = cap
    this.#hashes = hashes
    this.#log = options.log
    this.#lifetimeMs = (options.expirySeconds ?? Number.POSITIVE_INFINITY) * 1000
    this.#ownerHeld = options.ownerHeld
  }

  /**
   * The sessions of `store`; those left by an earlier run count against `limits` at once.
   * @param hashes where uploads are hashed (the registry closes it when it stops)
   */
  static async open(
    store: RegistryStore,
    limits: CapLimits,
    hashes: UploadHashing,
    options: UploadSessionOptions = {},
  ): Promise<UploadSessions> {
    const { log } = options
    const cap = new ConcurrencyCap(limits, {
      what: 'upload sessions',
      retryAfterSeconds: SESSION_RETRY_AFTER_SECONDS,
    })
    const sessions = new UploadSessions(store, cap, hashes, options)
    for (const id of await store.blobs.listUploads()) {
      // One session that cannot be read must not keep the registry from starting: it goes
      // uncounted, and its client's next request answers an error.
      const state = await store.blobs.uploadState(id).catch((error: unknown) => {
        log?.write({
          level: 'error',
          msg: 'reading an upload session failed; it is not counted against the caps',
          upload: id,
          error: errorFields(error),
        })
        return undefined
      })
      if (state !== undefined) sessions.#hold(id, state.owner ?? '')
    }
    return sessions
  }

  /**
   * Open a session for `repository`, owned by `owner`; returns its id. When everyone together
   * holds the most sessions allowed, the sessions of owners that no longer hold their credential
   * (revoked, expired, or their repository deleted) go first: nobody can finish them, and kept
   * until they expired (a day by default) they refused every other client's push, whatever the
   * admin revoked.
   * @param stillAllowed asked once the session exists, under its lock: throwing removes it and
   *   ends the start with that error. The request was authorized before the session was made, and
   *   a deletion of the repository meanwhile may have listed its sessions before this one existed:
   *   kept, it held nothing its owner could use, but a credential of the repository created again
   *   under the name could finish it.
   * @throws OciError TOOMANYREQUESTS when the owner, or everyone, has the most sessions allowed
   */
  async start(
    repository: string,
    algorithm: DigestAlgorithm = 'sha256',
    owner = '',
    stillAllowed?: MutationGuard,
  ): Promise<string> {
    if (this.#cap.atTotal) await this.#removeAbandoned()
    this.#cap.take(owner)
    const id = randomUUID()
    // Under the session's lock: a purge that lists the session half created waits for it.
    return this.#mutex.run(id, async () => {
      try {
        await this.#store.blobs.createUpload(id, {
          repository,
          algorithm,
          startedAt: Date.now(),
          owner,
        })
      } catch (error) {
        this.#cap.release(owner)
        throw error
      }
      this.#owners.set(id, owner)
      try {
        stillAllowed?.()
      } catch (error) {
        await this.cancelNow(id)
        throw error
      }
      this.#live.set(id, { hasher: this.#startHash(algorithm) })
      return id
    })
  }

  // A hash that cannot start (a worker thread that cannot be made) must not fail the session
  // just created, nor leave it holding its slot: without a running hash, the commit hashes the
  // stored bytes instead.
  #startHash(algorithm: DigestAlgorithm): UploadHasher | undefined {
    try {
      return this.#hashes.hasher(algorithm)
    } catch (error) {
      this.#log?.write({
        level: 'error',
        msg: 'starting an upload hash failed; the upload is hashed from storage at commit',
        error: errorFields(error),
      })
      return undefined
    }
  }

  /** Bytes received so far. @throws OciError BLOB_UPLOAD_UNKNOWN */
  async size(repository: string, id: string): Promise<number> {
    const state = await this.#state(repository, id)
    if (Date.now() >= state.expiresAt) throw sessionExpired()
    return state.size
  }

  /**
   * Append a chunk (or a whole stream when `range` is undefined). Returns the new size. A chunk
   * is all or nothing: one refused (its offset or length is not what `range` says) or cut short
   * leaves the upload as it was. A stream keeps what arrived, for the client to resume from.
   * @param declaredBytes the request's Content-Length, checked against `range` before any write
   * @param stillAllowed asked after each write (of up to 1 MiB): throwing ends the append with
   *   that error, as a failed write would
   */
  append(
    repository: string,
    id: string,
    body: AsyncIterable<Uint8Array>,
    range: ChunkRange | undefined,
    declaredBytes?: number,
    stillAllowed?: MutationGuard,
  ): Promise<number> {
    return this.#mutex.run(id, async () => {
      const state = await this.#usableState(repository, id)
      // Asked before the first write too: the request may have waited here, behind another one
      // of the session, while its credential was revoked; checked only after a write, its body
      // went into the session all the same.
      stillAllowed?.()
      if (range !== undefined) checkChunk(range, state.size, declaredBytes)
      const live = this.#live.get(id)
      const hasher = live?.hasher
      try {
        const written = await this.#store.blobs.append(id, body, (chunks, stored) => {
          // A body may take hours: one still arriving when its session expires is stopped as
          // the purge would stop it, and so is one whose credential is revoked or expires
          // meanwhile, after the write under way (1 MiB at most).
          if (Date.now() >= state.expiresAt) throw sessionExpired()
          stillAllowed?.()
          return hasher?.update(chunks, stored)
        })
        if (range !== undefined && written !== range.end - range.start + 1) {
          throw new OciError('SIZE_INVALID', {
            detail: `Content-Range announced ${range.end - range.start + 1} bytes, got ${written}`,
          })
        }
        return state.size + written
      } catch (err) {
        // The hash may have seen bytes that are taken back, or missed some that stay: the digest
        // is rebuilt from storage at commit.
        if (live) dropHasher(live)
        if (range !== undefined) await this.#store.blobs.truncateUpload(id, state.size)
        throw err
      }
    })
  }

  /**
   * Verify the digest, commit the blob and link it into the repository.
   * @param allowed checked under the session's lock before anything is done to it (a digest that
   *   does not match ends the session), and again under the repository's lock before the link
   *   (see `MutationGuard`)
   */
  finish(repository: string, id: string, digest: string, allowed?: MutationGuard): Promise<void> {
    return this.#mutex.run(id, async () => {
      await this.#usableState(repository, id)
      allowed?.()
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
          await this.#store.linkBlob(repository, digest, allowed)
        })
        this.#forget(id)
      } catch (error) {
        // A failed commit may have ended the session too (data that never reached the disk).
        // When that cannot be read either, the session is kept: the error to report is the first.
        const state = this.#store.blobs.uploadState(id).catch(() => null)
        if ((await state) === undefined) this.#forget(id)
        throw error
      } finally {
        // The hash was spent on the digest; a retry after a failure rebuilds it from storage.
        this.#dropLive(id)
      }
    })
  }

  /**
   * Cancel a session.
   * @param allowed checked under the session's lock, before the session is removed: a cancel may
   *   have waited there (behind a long PATCH) while its credential was revoked
   * @throws OciError BLOB_UPLOAD_UNKNOWN
   */
  cancel(repository: string, id: string, allowed?: MutationGuard): Promise<void> {
    return this.#mutex.run(id, async () => {
      await this.#usableState(repository, id)
      allowed?.()
      await this.cancelNow(id)
    })
  }

  /**
   * Remove a session whatever it holds (a single-request upload that failed: its id was never
   * given out, so nobody else can finish or cancel it).
   */
  discard(id: string): Promise<void> {
    return this.#mutex.run(id, () => this.cancelNow(id))
  }

  /**
   * Remove the sessions of `repository`, which is being deleted: their bytes would otherwise stay
   * on disk, counted against the caps, until they expired, and a credential of a repository
   * created again under the name could finish them. One with a request under way is not waited
   * for (that request's credential was revoked with the repository, so it stops at its next write,
   * but its client may take hours to send it): it is removed once that request is done, and a
   * failure to remove it then is logged. Left until it expired (a day by default), it kept the
   * bytes sent before the deletion under the repository's name, for a credential of the repository
   * created again to append to and finish.
   */
  async cancelRepository(repository: string): Promise<void> {
    for (const id of await this.#store.blobs.listUploads()) {
      const busy = this.#mutex.busy(id)
      // Read again under the session's lock: it may have just been finished or removed.
      const ended = this.#mutex.run(id, async () => {
        const state = await this.#store.blobs.uploadState(id).catch(() => undefined)
        if (state?.repository === repository) await this.cancelNow(id)
      })
      if (!busy) {
        await ended
        continue
      }
      void ended.catch((error: unknown) => {
        this.#log?.write({
          level: 'error',
          msg: 'removing an upload of a deleted repository failed',
          upload: id,
          error: errorFields(error),
        })
      })
    }
  }

  /**
   * Remove sessions started before `cutoff` (epoch ms). A session whose state cannot be read (a
   * crash cut its creation short) is as old as its storage last changed. A session that cannot
   * be removed is logged and left for the next purge; the others still go. So is one with a
   * request under way (see `#purgeIfExpired`). Returns how many went.
   */
  async purgeOlderThan(cutoff: number): Promise<number> {
    let purged = 0
    for (const id of await this.#store.blobs.listUploads()) {
      try {
        if (await this.#purgeIfExpired(id, cutoff)) purged += 1
      } catch (error) {
        this.#log?.write({
          level: 'error',
          msg: 'purging an expired upload failed',
          upload: id,
          error: errorFields(error),
        })
      }
    }
    return purged
  }

  async #purgeIfExpired(id: string, cutoff: number): Promise<boolean> {
    const expired = async (): Promise<boolean> => {
      // A state that cannot be read is dated by its files, as one a crash cut short is: the
      // folder changes when the session's files are made, so both give about its start.
      const state = await this.#store.blobs.uploadState(id).catch(() => undefined)
      const since = state?.startedAt ?? (await this.#store.blobs.uploadChangedAt(id))
      return since !== undefined && since < cutoff
    }
    if (!(await expired())) return false
    // A session with a request under way (a body still arriving, which may go on for hours at a
    // trickle) is left for the next purge: waited for, it held up the purge of every session
    // after it, and every later run, for as long as its client kept sending, while abandoned
    // sessions filled the caps and the disk. Asked and taken in one step: nothing can start in
    // between.
    if (this.#mutex.busy(id)) return false
    // Decided again under the session's lock: the listing may have caught one half created (its
    // state not written yet), or one finishing (its data just renamed into a blob).
    return this.#mutex.run(id, async () => {
      if (!(await expired())) return false
      await this.cancelNow(id)
      return true
    })
  }

  /**
   * Remove the sessions whose owner no longer holds its credential, but for those with a
   * request under way (its body stops at its next write anyway, see {@link append}).
   */
  async #removeAbandoned(): Promise<void> {
    const ownerHeld = this.#ownerHeld
    if (ownerHeld === undefined) return
    const abandoned = [...this.#owners].filter(([id, owner]) => {
      return !ownerHeld(owner) && !this.#mutex.busy(id)
    })
    let removed = 0
    for (const [id] of abandoned) {
      try {
        await this.#mutex.run(id, () => this.cancelNow(id))
        removed += 1
      } catch (error) {
        this.#log?.write({
          level: 'error',
          msg: 'removing an upload of a credential no longer held failed',
          upload: id,
          error: errorFields(error),
        })
      }
    }
    if (removed > 0)
      this.#log?.write({
        level: 'info',
        msg: 'removed the uploads of credentials no longer held',
        uploads: removed,
      })
  }

  /** @internal */
  async cancelNow(id: string): Promise<void> {
    this.#dropLive(id)
    await this.#store.blobs.deleteUpload(id)
    this.#forget(id)
  }

  #dropLive(id: string): void {
    const live = this.#live.get(id)
    if (live) dropHasher(live)
    this.#live.delete(id)
  }

  #hold(id: string, owner: string): void {
    this.#cap.hold(owner)
    this.#owners.set(id, owner)
  }

  /** The session is gone: its owner's count goes down (once, however often this is called). */
  #forget(id: string): void {
    const owner = this.#owners.get(id)
    if (owner === undefined) return
    this.#owners.delete(id)
    this.#cap.release(owner)
  }

  async #state(
    repository: string,
    id: string,
  ): Promise<{ size: number; algorithm: DigestAlgorithm; expiresAt: number }> {
    const state = /^[a-f0-9-]{36}$/.test(id) ? await this.#store.blobs.uploadState(id) : undefined
    if (state === undefined || state.repository !== repository)
      throw new OciError('BLOB_UPLOAD_UNKNOWN')
    return { ...state, expiresAt: state.startedAt + this.#lifetimeMs }
  }

  /**
   * The state of a session still within its lifetime, under the session's lock. An expired one
   * is removed at once and is `BLOB_UPLOAD_UNKNOWN`: the purge leaves a session with a request
   * under way to its next run, so a client sending chunk after chunk without a pause used to
   * keep its session, and the slot and disk it holds, for as long as it liked.
   */
  async #usableState(
    repository: string,
    id: string,
  ): Promise<{ size: number; algorithm: DigestAlgorithm; expiresAt: number }> {
    const state = await this.#state(repository, id)
    if (Date.now() < state.expiresAt) return state
    await this.cancelNow(id)
    throw sessionExpired()
  }

  async #digestOf(id: string, algorithm: DigestAlgorithm): Promise<string> {
    const live = this.#live.get(id)
    const hasher = live?.hasher
    if (live) live.hasher = undefined // a hash yields its digest once
    if (hasher?.algorithm === algorithm) {
      try {
        return await hasher.digest()
      } catch (error) {
        // The hash was lost (its thread died, or reading a write back failed): the stored bytes
        // are still there to hash. Said in the log, as every push paying twice would be slow.
        this.#log?.write({
          level: 'error',
          msg: 'upload hash lost; hashing the stored bytes again',
          error: errorFields(error),
        })
      }
    } else {
      hasher?.discard()
    }
    // After a restart, a failed chunk, a different algorithm or a lost hash: hash what storage
    // holds.
    const rehash = createHasher(algorithm)
    for await (const chunk of this.#store.blobs.readUpload(id)) rehash.update(chunk)
    return rehash.digest()
  }
}

// Distribution's answer for a session it purged: the session no longer exists.
function sessionExpired(): OciError {
  return new OciError('BLOB_UPLOAD_UNKNOWN', { detail: 'upload session expired' })
}

/**
 * Whether the owner of a session (the subject its request was authorized as) still holds its
 * credential. Asked only when the sessions of everyone together reach their cap.
 */
export type OwnerStillHeld = (owner: string) => boolean

function dropHasher(live: LiveSession): void {
  live.hasher?.discard()
  live.hasher = undefined
}

// Checked before anything is written: distribution's order, the offset (416) before the length.
function checkChunk(range: ChunkRange, size: number, declaredBytes: number | undefined): void {
  if (range.start !== size) {
    throw new OciError('RANGE_INVALID', {
      detail: `chunk starts at ${range.start}, upload is at ${size}`,
      headers: { Range: rangeHeader(size) },
    })
  }
  const announced = range.end - range.start + 1
  if (declaredBytes !== undefined && declaredBytes !== announced) {
    throw new OciError('SIZE_INVALID', {
      detail: `Content-Range announces ${announced} bytes, Content-Length ${declaredBytes}`,
    })
  }
}

/** The `Range` header of an upload of `size` bytes (`0-0` when empty, as distribution sends). */
export function rangeHeader(size: number): string {
  return `0-${Math.max(0, size - 1)}`
}
