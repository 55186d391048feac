/**
 * Runs tasks that share a key one at a time, in the order they were given; tasks of different
 * keys run at once. For providers whose platform changes a document by read-modify-write: ECR
 * repository policies and replication rules have no version check, so of two changes that overlap
 * the later write silently drops the earlier one (a revocation can come back as a grant); IAM
 * policies have an etag, but every loser of a race pays a whole read-modify-write again and may run
 * out of retries. Only tasks of this process are ordered; other writers are not.
 */
export class KeyedSerialQueue {
  readonly #tails = new Map<string, Promise<void>>()

  /** Run `task` once every earlier task of `key` has settled; its outcome is `task`'s. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    const result = previous.then(task)
    const tail = result.then(
      () => {},
      () => {},
    )
    this.#tails.set(key, tail)
    // The last task of a key removes its entry, so the map holds only keys with work under way.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    })
    return result
  }
}
