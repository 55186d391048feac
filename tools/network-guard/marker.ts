/** Marks a function the guard installed, so installing twice (one setup per test file) wraps once. */
export const GUARDED: unique symbol = Symbol.for('artifact-registry.test-network-guard')

/** Whether `fn` is already one of the guard's wrappers. */
export function isGuarded(fn: unknown): boolean {
  return typeof fn === 'function' && GUARDED in fn
}
