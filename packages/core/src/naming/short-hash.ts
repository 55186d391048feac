import { createHash } from 'node:crypto'

/**
 * Length of the hex hash in an adapted name: 96 bits. Chance collisions would be rare at far
 * fewer, but names may come from untrusted parties (a tenant naming its project), and one who
 * knows an adapted name of another could search for a name of its own that lands on it: at
 * 48 bits that search takes hours on one GPU; at 96 it stays out of reach.
 */
export const SHORT_HASH_LENGTH = 24

/**
 * The suffix appended to every adapted name. Inputs that already end with this shape are adapted
 * too, so an adapted name can never equal a name that was kept as given.
 */
export const ADAPTED_SUFFIX: RegExp = adaptedSuffix(SHORT_HASH_LENGTH)

/** {@link ADAPTED_SUFFIX} for a rule whose hash has `length` hex digits. */
export function adaptedSuffix(length: number): RegExp {
  return new RegExp(`-x[0-9a-f]{${length}}$`)
}

/** A short, stable hash of a string (sha256, hex, first `length` characters). */
export function shortHash(input: string, length: number = SHORT_HASH_LENGTH): string {
  return createHash('sha256').update(input, 'utf8').digest('hex').slice(0, length)
}
