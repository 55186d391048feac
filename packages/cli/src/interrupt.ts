import { InterruptedError } from './failure.js'

/** Ctrl-C as an `AbortSignal`: the first SIGINT aborts it, a second one ends the process at once. */
export interface Interrupt extends Disposable {
  readonly signal: AbortSignal
}

/**
 * Turn SIGINT into an abort of the returned signal, which commands pass into long operations
 * (listing, provisioning, a client's login) so they stop cleanly and the command exits 130.
 */
export function interruptOnSigint(): Interrupt {
  const controller = new AbortController()
  const onSigint = (): void => {
    // A second Ctrl-C means "now": whatever was cleaning up is not waited for.
    if (controller.signal.aborted) process.exit(130)
    controller.abort(new InterruptedError())
  }
  process.on('SIGINT', onSigint)
  return {
    signal: controller.signal,
    [Symbol.dispose]: () => {
      process.off('SIGINT', onSigint)
    },
  }
}

/**
 * `promise`, or a rejection with the signal's reason as soon as it aborts: for library calls that
 * take no signal, so Ctrl-C still ends the command (the call's result is then ignored).
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
