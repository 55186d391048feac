/**
 * Marks a function the guard installed, so installing twice (one setup per test file) wraps once.
 * The data plane group of `packages/testing` looks for this name on `Socket.prototype.connect`
 * (it cannot import the tools) to refuse an off-machine registry before it starts skopeo.
 */
export const GUARDED: unique symbol = Symbol.for('artifact-registry.test-network-guard')

/** Whether `fn` is already one of the guard's wrappers. */
export function isGuarded(fn: unknown): boolean {
  return typeof fn === 'function' && GUARDED in fn
}
