/**
 * The Azure fake's time: the machine's clock plus however far a test moved it on. What expires in
 * the registry (ACR refresh and access tokens, and the data plane's checks of them) reads it, so a
 * test makes a credential expire at once instead of waiting for it. Entra ID keeps the machine's
 * time (see `entraEpochSeconds`).
 */
export class FakeClock {
  #offsetMs = 0

  /** Milliseconds since the epoch, as the fake sees them. */
  now(): number {
    return Date.now() + this.#offsetMs
  }

  /** Seconds since the epoch, as JWT claims count time. */
  epochSeconds(): number {
    return Math.floor(this.now() / 1000)
  }

  /**
   * Move the fake's time forward by `seconds`. Time never goes back: a token that expired stays
   * expired.
   * @throws TypeError unless `seconds` is a finite number ≥ 0.
   */
  advance(seconds: number): void {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      throw new TypeError(
        `[azure-fake] advanceClock takes a finite number of seconds ≥ 0, got ${String(seconds)}`,
      )
    }
    this.#offsetMs += seconds * 1000
  }
}
