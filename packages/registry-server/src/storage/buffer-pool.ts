/**
 * Up to `max` buffers of one size, allocated only when every one allocated so far is in use, and
 * handed out again once given back. A caller that finds them all in use waits for one.
 */
export class BufferPool {
  readonly #size: number
  readonly #max: number
  readonly #free: Buffer[] = []
  readonly #waiters: ((buffer: Buffer) => void)[] = []
  #allocated = 0

  constructor(size: number, max: number) {
    this.#size = size
    this.#max = max
  }

  /** A buffer to fill; give it back with {@link release} once nothing reads it any more. */
  take(): Buffer | Promise<Buffer> {
    const buffer = this.#free.pop()
    if (buffer !== undefined) return buffer
    if (this.#allocated < this.#max) {
      this.#allocated += 1
      // Not from Node's shared slab: each buffer is reused many times, and freed as a whole.
      return Buffer.allocUnsafeSlow(this.#size)
    }
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  release(buffer: Buffer): void {
    const waiter = this.#waiters.shift()
    if (waiter === undefined) this.#free.push(buffer)
    else waiter(buffer)
  }
}
