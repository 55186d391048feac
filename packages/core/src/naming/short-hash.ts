import { createHash } from 'node:crypto'

/** Length of the hex hash in an adapted name: 48 bits, far beyond any registry's repository count. */
export const SHORT_HASH_LENGTH = 12

/**
 * The suffix appended to every adapted name. Inputs that already end with this shape are adapted
 * too, so an adapted name can never equal a name that was kept as given.
 */
export const ADAPTED_SUFFIX: RegExp = /-x[0-9a-f]{12}$/

/** A short, stable hash of a string (sha256, hex, first {@link SHORT_HASH_LENGTH} characters). */
export function shortHash(input: string): string {
  return createHash('sha256').update(input, 'utf8').digest('hex').slice(0, SHORT_HASH_LENGTH)
}
