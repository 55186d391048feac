/**
 * The fake's time: the wall clock plus however far a test moved it. Everything that expires in
 * the fake (STS sessions, authorization tokens, the data plane's checks) reads it, so a test can
 * make credentials expire without waiting.
 */
export class FakeClock {
  #offsetMs = 0

  /** Milliseconds since the epoch, as the fake sees them. */
  now(): number {
    return Date.now() + this.#offsetMs
  }

  /**
   * Move the fake's time forward.
   * @throws TypeError for a negative or non-finite number of seconds.
   */
  advance(seconds: number): void {
    if (!(Number.isFinite(seconds) && seconds >= 0)) {
      throw new TypeError(
        `[aws-fake] advanceClock takes a non-negative number of seconds, got ${seconds}`,
      )
    }
    this.#offsetMs += seconds * 1000
  }
}
