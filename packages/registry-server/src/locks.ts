/** Serialises async work per key (one repository's metadata changes run one at a time). */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<unknown>>()

  /** Whether work for `key` runs or waits now (a `run` called next would wait for it). */
  busy(key: string): boolean {
    return this.#tails.has(key)
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    const result = previous.then(work, work)
    const tail = result.catch(() => {})
    this.#tails.set(key, tail)
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    })
    return result
  }
}

/**
 * Many writers may share; garbage collection takes it alone, so it never sweeps a blob that a
 * commit or a manifest write is about to reference.
 */
export class SharedExclusiveLock {
  #shared = 0
  #exclusive: Promise<void> | undefined
  #drained: (() => void) | undefined

  async shared<T>(work: () => Promise<T>): Promise<T> {
    while (this.#exclusive) await this.#exclusive
    this.#shared += 1
    try {
      return await work()
    } finally {
      this.#shared -= 1
      if (this.#shared === 0) this.#drained?.()
    }
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.#exclusive) await this.#exclusive
    let release = (): void => {}
    this.#exclusive = new Promise((resolve) => {
      release = resolve
    })
    try {
      if (this.#shared > 0) {
        await new Promise<void>((resolve) => {
          this.#drained = resolve
        })
        this.#drained = undefined
      }
      return await work()
    } finally {
      this.#exclusive = undefined
      release()
    }
  }
}
