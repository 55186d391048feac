// Below this a chunk is copied into a run with its neighbours; from it up, it is kept as it came.
// A socket at full speed brings ~64 KiB per chunk (16 KiB with TLS): those are never copied.
const SMALL_CHUNK = 4 * 1024
// Small chunks joined into one buffer at a time: a few hundred bound the count of buffers held,
// while each join copies less than 1 MiB.
const RUN_LENGTH = 256

/**
 * The chunks of a body kept in memory, in order, at a bounded cost per byte whatever their size.
 *
 * Why: every chunk is a `Buffer` of its own, ~70 bytes of heap besides its bytes. A client that
 * sends one byte per TCP segment makes the server receive one-byte chunks, so kept one by one, a
 * body of 64 KiB held 4.5 MB of heap. Here small chunks are joined every {@link RUN_LENGTH}, so
 * the list holds at most one buffer per 256 bytes of small chunks (plus the run being gathered)
 * and one per large chunk, which is then at least 4 KiB.
 */
export class CompactChunkList {
  readonly #kept: Uint8Array[] = []
  #run: Uint8Array[] = []
  #runBytes = 0
  #byteLength = 0

  /** The bytes pushed so far. */
  get byteLength(): number {
    return this.#byteLength
  }

  /** How many buffers the list holds now. */
  get bufferCount(): number {
    return this.#kept.length + this.#run.length
  }

  /** Keep a chunk after those before it. The list may keep the chunk itself: do not change it. */
  push(chunk: Uint8Array): void {
    this.#byteLength += chunk.byteLength
    if (chunk.byteLength >= SMALL_CHUNK) {
      this.#closeRun()
      this.#kept.push(chunk)
      return
    }
    this.#run.push(chunk)
    this.#runBytes += chunk.byteLength
    if (this.#run.length >= RUN_LENGTH) this.#closeRun()
  }

  /** Every byte pushed, in order, in as few buffers as the list holds. */
  chunks(): readonly Uint8Array[] {
    this.#closeRun()
    return this.#kept
  }

  /** Every byte pushed, in order, in one new buffer. */
  concat(): Buffer {
    return Buffer.concat(this.chunks(), this.#byteLength)
  }

  #closeRun(): void {
    const run = this.#run
    if (run.length === 0) return
    this.#kept.push(run.length === 1 ? (run[0] as Uint8Array) : Buffer.concat(run, this.#runBytes))
    this.#run = []
    this.#runBytes = 0
  }
}
