/**
 * `NODE_OPTIONS` that install the tests' network guard in a child Node process (a command run by
 * `cli()`): any connection or DNS lookup that could leave the machine throws there too.
 */
export const GUARDED_CHILD_NODE_OPTIONS = `--import=${new URL('./network-guard-hook.mjs', import.meta.url).href}`
