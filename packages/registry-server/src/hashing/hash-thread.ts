import { Worker } from 'node:worker_threads'
import type { DigestAlgorithm } from '../digest.js'
import type { StoredRange } from '../storage/blob-store.js'
import type { HashReply, HashRequest } from './hash-protocol.js'

/**
 * The worker's heap, kept small: it holds one hash object per upload, the messages in flight and
 * one read buffer (outside the heap). V8's defaults let a thread's young generation grow to
 * several megabytes of garbage between collections; this saves about 2-3 MB of RSS per thread
 * on a long push. Most of a thread's cost (about 15 MB) is Node's environment in it, which no
 * limit changes. A worker past these limits exits, and its hashes are rebuilt from storage.
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } as const

interface PendingDigest {
  resolve(hex: string): void
  reject(error: Error): void
}

/**
 * One hashing worker thread and the bookkeeping of what was sent to it: the bytes it has not
 * hashed yet (senders wait while they pass `maxPendingBytes`, so the worker reads them while the
 * page cache still holds them) and the digests it owes. Once the worker fails or exits, every
 * hash on it is lost: owed digests reject, waiting senders resume, later updates are dropped,
 * and the pool starts a new thread for new hashes.
 *
 * The worker keeps the process alive only while it owes an answer, so an idle registry (or a
 * process that closed it) can exit.
 */
export class HashThread {
  readonly #worker: Worker
  readonly #maxPendingBytes: number
  readonly #digests = new Map<number, PendingDigest>()
  #pendingBytes = 0
  #waiters: (() => void)[] = []
  #owed = 0
  #failure: Error | undefined
  /** Hashes started here and neither digested nor discarded (the pool places new ones by it). */
  open = 0

  constructor(script: URL, maxPendingBytes: number) {
    this.#maxPendingBytes = maxPendingBytes
    this.#worker = new Worker(script, { name: 'registry-hash', resourceLimits: WORKER_HEAP })
    this.#worker.unref()
    this.#worker.on('message', (reply: HashReply) => this.#receive(reply))
    this.#worker.on('error', (error) => this.#fail(error))
    this.#worker.on('exit', (code) => this.#fail(new Error(`the hash worker exited (${code})`)))
  }

  /** Whether the worker is gone, with every hash it held. */
  get failed(): boolean {
    return this.#failure !== undefined
  }

  start(id: number, algorithm: DigestAlgorithm): void {
    this.open += 1
    this.#post({ op: 'start', id, algorithm })
  }

  /**
   * Hash the stored bytes `range` next; the worker reads them from the file. Returns a promise
   * when the caller should wait before writing more.
   */
  update(id: number, range: StoredRange): Promise<void> | undefined {
    if (this.failed) return undefined
    const { path, from, to } = range
    this.#post({ op: 'update', id, path, from, to })
    const bytes = to - from
    this.#owed += 1
    if (this.#owed === 1) this.#worker.ref()
    this.#pendingBytes += bytes
    if (this.#pendingBytes <= this.#maxPendingBytes) return undefined
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  /** The hex digest of everything sent for `id`; the hash is gone afterwards. */
  digest(id: number): Promise<string> {
    this.open -= 1
    if (this.#failure !== undefined) return Promise.reject(this.#failure)
    const digest = new Promise<string>((resolve, reject) => {
      this.#digests.set(id, { resolve, reject })
    })
    this.#post({ op: 'digest', id })
    this.#owed += 1
    if (this.#owed === 1) this.#worker.ref()
    return digest
  }

  discard(id: number): void {
    this.open -= 1
    this.#post({ op: 'discard', id })
  }

  /** Stop the worker (every hash on it is lost). */
  async terminate(): Promise<void> {
    this.#fail(new Error('the hash pool was closed'))
    await this.#worker.terminate()
  }

  #post(request: HashRequest): void {
    if (this.#failure === undefined) this.#worker.postMessage(request)
  }

  #receive(reply: HashReply): void {
    this.#owed -= 1
    if (this.#owed === 0) this.#worker.unref()
    if (reply.op === 'hashed') {
      this.#pendingBytes -= reply.bytes
      if (this.#pendingBytes <= this.#maxPendingBytes) this.#wakeSenders()
      return
    }
    const pending = this.#digests.get(reply.id)
    this.#digests.delete(reply.id)
    if (reply.op === 'digest') pending?.resolve(reply.hex)
    else pending?.reject(new Error(`the hash worker failed: ${reply.message}`))
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined) return
    this.#failure = error
    this.#worker.unref()
    for (const pending of this.#digests.values()) pending.reject(error)
    this.#digests.clear()
    this.#wakeSenders()
  }

  #wakeSenders(): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const wake of waiters) wake()
  }
}
