/** How long a learned ceiling is trusted: after it, a longer request asks STS again. */
export const CEILING_TTL_MS = 3_600_000

interface Learned {
  readonly seconds: number
  readonly learnedAt: number
}

/**
 * The longest sessions STS granted after refusing longer ones, so later requests ask for them
 * directly instead of searching again: per role, the role's `MaxSessionDuration`; for the caller,
 * role chaining's hour, which caps every role it assumes (it belongs to the base identity being a
 * role session, not to any one role). A ceiling is forgotten after an hour, so a role whose
 * maximum was raised, or a caller whose credentials changed, is asked for more again.
 */
export class SessionCeilings {
  readonly #byRole = new Map<string, Learned>()
  #caller: Learned | undefined

  constructor(private readonly now: () => number = Date.now) {}

  /** The longest session to ask for the role, when one was learned within the last hour. */
  get(roleArn: string): number | undefined {
    const role = this.#fresh(this.#byRole.get(roleArn))
    if (role === undefined) this.#byRole.delete(roleArn)
    const caller = this.#fresh(this.#caller)
    if (caller === undefined) this.#caller = undefined
    if (role === undefined) return caller
    return caller === undefined ? role : Math.min(role, caller)
  }

  /** Remember that `seconds` is the longest session STS grants the role. */
  set(roleArn: string, seconds: number): void {
    this.#byRole.set(roleArn, { seconds, learnedAt: this.now() })
  }

  /** Remember that `seconds` is the longest session STS grants this caller, whatever the role. */
  setForCaller(seconds: number): void {
    this.#caller = { seconds, learnedAt: this.now() }
  }

  #fresh(learned: Learned | undefined): number | undefined {
    if (learned === undefined || this.now() - learned.learnedAt >= CEILING_TTL_MS) return undefined
    return learned.seconds
  }
}
