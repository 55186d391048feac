/**
 * @internal The GCP fake's time: the machine's clock plus however far a test moved it on. What
 * IAM Credentials issues expires by it, and the data plane checks tokens against it, so a test
 * makes a credential expire at once instead of waiting an hour.
 */
export class GcpClock {
  #offsetMs = 0

  /** Milliseconds since the epoch, as the fake sees them. */
  now(): number {
    return Date.now() + this.#offsetMs
  }

  /**
   * Move the fake's time forward by `seconds`. Time never goes back: what expired stays expired.
   * @throws TypeError unless `seconds` is a finite number ≥ 0.
   */
  advance(seconds: number): void {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      throw new TypeError(
        `[gcp-fake] advanceClock takes a finite number of seconds ≥ 0, got ${String(seconds)}`,
      )
    }
    this.#offsetMs += seconds * 1000
  }
}
