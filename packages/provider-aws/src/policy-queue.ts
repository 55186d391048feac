/**
 * Runs the read-modify-write of each repository policy one at a time in this process, in call
 * order. ECR's `SetRepositoryPolicy` has no version check, so two changes that both read the
 * policy before either writes leave only the second: a removal could come back as a grant
 * (remove A and add B at once ended with A still granted). Changes to different policies run at
 * once. Writers in other processes are not covered; see the README.
 */
export class PolicyQueue {
  readonly #tails = new Map<string, Promise<void>>()

  /** Run `change` once every earlier change of the policy `key` has settled. */
  run<T>(key: string, change: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    const result = previous.then(change)
    const tail = result.then(
      () => {},
      () => {},
    )
    this.#tails.set(key, tail)
    // The last change of a key removes its entry, so the map holds only policies being changed.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    })
    return result
  }
}
