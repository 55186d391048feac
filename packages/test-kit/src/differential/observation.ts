/**
 * What one step of a scenario looked like on one registry, reduced to what two registries can
 * agree on. A protocol step records an HTTP answer; a client step records what the client
 * achieved (`outcome`) and how the registry got there (`detail`).
 */
export interface Observation {
  step: string
  /** HTTP status of a protocol step. */
  status?: number
  /**
   * `Docker-Distribution-API-Version` and the headers the step asked to compare, normalised so
   * that equivalent answers compare equal (see `normaliseHeader`).
   */
  headers?: Record<string, string | null>
  /** `code`s of a JSON error body; `['<not json>']` when an error body is something else. */
  codes?: string[]
  body?: unknown
  /** What a user of the library relies on, e.g. `refused`: never allowed to differ. */
  outcome?: string
  /** How the registry got there, e.g. `HTTP 403 DENIED`. */
  detail?: string
  /** Set when the step could not run (network error, no Location to follow, a throw). */
  error?: string
}

/**
 * A step where our registry deliberately (or knowingly) answers otherwise than the reference,
 * with both answers and the reason. Each side is matched like `toMatchObject`, so asymmetric
 * matchers (`expect.toBeOneOf`) may stand for what the spec leaves open.
 */
export interface ExpectedDifference {
  step: string
  /** What our registry answers. */
  ours: Partial<Observation>
  /** What the reference registry answers. */
  reference: Partial<Observation>
  reason: string
}
