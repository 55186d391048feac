/**
 * Lets a server's own API calls (not its HTTP requests) into its data directory while it is open:
 * each is refused once the server is closing, and closing waits for those under way. Once the
 * server lets go of the directory's lock, another process may serve it, and what a closed server
 * still did there would rest on its stale view of the store: a garbage collection deleted blobs
 * the new server's manifests reference, a revocation was written where nobody reads it.
 */
export class ClosingGate {
  readonly #closedError: string
  readonly #running = new Set<Promise<void>>()
  #closing = false

  /** @param what the server, as its errors name it (`registry`, `token service`) */
  constructor(what: string) {
    this.#closedError = `the ${what} is closed`
  }

  /** Run `work`, or reject with "the … is closed" once {@link close} was called. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closing) return Promise.reject(new Error(this.#closedError))
    const running = (async () => work())()
    const settled = running.then(
      () => {},
      () => {},
    )
    this.#running.add(settled)
    void settled.then(() => this.#running.delete(settled))
    return running
  }

  /** Refuse every call from now on; resolves once the calls under way have settled. */
  async close(): Promise<void> {
    this.#closing = true
    await Promise.all(this.#running)
  }
}
