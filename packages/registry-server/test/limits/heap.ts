import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

// Vitest starts its workers without `--expose-gc`; the flag still takes effect for a context made
// after it is set, which hands its `gc` out.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** The bytes of JavaScript heap in use once everything unreachable has been collected. */
export function heapUsedAfterGc(): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}
