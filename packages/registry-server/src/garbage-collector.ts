import { errorFields, type Log } from './log.js'
import { collectGarbage, type GarbageCollectionResult } from './maintenance.js'
import type { RegistryStore } from './storage/registry-store.js'

/**
 * Runs garbage collections one at a time, on request and every `intervalSeconds` (0: only on
 * request). A request made while a collection runs waits for it, then runs its own, so what was
 * unreferenced when it was asked is gone when it resolves.
 */
export class GarbageCollector {
  readonly #store: RegistryStore
  readonly #graceSeconds: number
  readonly #log: Log
  #tail: Promise<unknown> = Promise.resolve()
  #timer: NodeJS.Timeout | undefined
  #stopped = false

  constructor(store: RegistryStore, graceSeconds: number, log: Log) {
    this.#store = store
    this.#graceSeconds = graceSeconds
    this.#log = log
  }

  /** Collect now (after any collection in progress). */
  collect(): Promise<GarbageCollectionResult> {
    const run = this.#tail.then(async () => {
      const started = performance.now()
      const result = await collectGarbage(this.#store, this.#graceSeconds)
      const durationMs = Math.round(performance.now() - started)
      this.#log.write({ level: 'info', msg: 'garbage collected', ...result, durationMs })
      return result
    })
    this.#tail = run.catch(() => {})
    return run
  }

  /** Collect every `intervalSeconds`, counted from the end of the previous collection. */
  schedule(intervalSeconds: number): void {
    if (intervalSeconds === 0 || this.#stopped) return
    this.#timer = setTimeout(() => {
      this.collect()
        .catch((error: unknown) =>
          this.#log.write({
            level: 'error',
            msg: 'garbage collection failed',
            error: errorFields(error),
          }),
        )
        .finally(() => this.schedule(intervalSeconds))
    }, intervalSeconds * 1000).unref()
  }

  /** Stop the timer and wait for a collection in progress, so the store can be let go. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#tail
  }
}
