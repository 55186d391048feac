/** How many of the next requests an injected entry applies to. */
export interface InjectOptions {
  /** The next `times` requests of the operation; `Infinity`: every one from now on. @default 1 */
  times?: number
}

interface Entry<T> {
  readonly value: T
  remaining: number
}

/**
 * @internal Per-operation queues whose entries each apply to a number of uses, oldest first: the
 * faults a fake answers instead of an operation, or the failures its next operations end in.
 */
export class OperationQueues<T> {
  readonly #queues = new Map<string, Entry<T>[]>()

  /** @param fakeName prefixes error messages, e.g. `aws-fake`. */
  constructor(private readonly fakeName: string) {}

  /** Queue `value` for the next `options.times` uses of `operation`. */
  add(operation: string, value: T, options: InjectOptions | undefined): void {
    const times = timesOf(this.fakeName, options)
    const queue = this.#queues.get(operation) ?? []
    queue.push({ value, remaining: times })
    this.#queues.set(operation, queue)
  }

  /** Use the oldest entry of `operation`, if any: it is dropped once used up. */
  take(operation: string): T | undefined {
    const queue = this.#queues.get(operation)
    const next = queue?.[0]
    if (queue === undefined || next === undefined) return undefined
    next.remaining -= 1
    if (next.remaining <= 0) queue.shift()
    return next.value
  }

  clear(): void {
    this.#queues.clear()
  }
}

// --- Internal ---

function timesOf(fakeName: string, options: InjectOptions | undefined): number {
  // Catches the positional count of the old `inject(operation, response, times)` too.
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`[${fakeName}] the options of inject are { times }, got ${String(options)}`)
  }
  const times = options?.times ?? 1
  if (times !== Number.POSITIVE_INFINITY && !(Number.isInteger(times) && times >= 1)) {
    throw new TypeError(
      `[${fakeName}] times must be a positive integer or Infinity, got ${String(times)}`,
    )
  }
  return times
}
