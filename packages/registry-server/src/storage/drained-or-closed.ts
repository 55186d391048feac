import type { Writable } from 'node:stream'

/**
 * Resolves when `destination` can take more data, or can never take any again: a client that
 * goes away never drains, and one already gone has emitted its 'close' before this is called.
 * The caller checks `destination.destroyed` afterwards.
 */
export function drainedOrClosed(destination: Writable): Promise<void> {
  if (destination.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      destination.off('drain', done)
      destination.off('close', done)
      resolve()
    }
    destination.once('drain', done)
    destination.once('close', done)
  })
}
