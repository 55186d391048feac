/** How long a learned ceiling is trusted: after it, a longer request asks STS again. */
export const CEILING_TTL_MS = 3_600_000

/**
 * The longest session STS granted each role after refusing a longer one (the role's
 * `MaxSessionDuration`, or role chaining's hour), so later requests ask for it directly instead
 * of searching again. A ceiling is forgotten after an hour, so a role whose maximum was raised
 * is asked for more again.
 */
export class SessionCeilings {
  readonly #byRole = new Map<string, { seconds: number; learnedAt: number }>()

  constructor(private readonly now: () => number = Date.now) {}

  /** The role's ceiling in seconds, when one was learned within the last hour. */
  get(roleArn: string): number | undefined {
    const known = this.#byRole.get(roleArn)
    if (known === undefined) return undefined
    if (this.now() - known.learnedAt >= CEILING_TTL_MS) {
      this.#byRole.delete(roleArn)
      return undefined
    }
    return known.seconds
  }

  /** Remember that `seconds` is the longest session STS grants the role. */
  set(roleArn: string, seconds: number): void {
    this.#byRole.set(roleArn, { seconds, learnedAt: this.now() })
  }
}
