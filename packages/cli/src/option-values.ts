import { InvalidArgumentError } from 'commander'

/**
 * Parse a flag's value as a whole number of seconds (1 or more); otherwise a usage error. Any
 * length of digits is a whole number, beyond 2^53 too: the platform clamps it to its longest
 * lifetime, as core does for every request past the limit. Only digits too large for a number at
 * all (from about 1.8e308, which `Number` makes `Infinity`) are refused, and as too large, not as
 * no whole number.
 */
export function positiveSeconds(value: string): number {
  const seconds = Number(value)
  if (!/^\d+$/.test(value) || seconds < 1) {
    throw new InvalidArgumentError('must be a whole number of seconds, 1 or more')
  }
  if (!Number.isFinite(seconds)) throw new InvalidArgumentError('is too large a number')
  return seconds
}

/** Parse a port number (0 to 65535; 0 picks a free port); otherwise a usage error. */
export function portNumber(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new InvalidArgumentError('must be a port number from 0 to 65535')
  }
  return port
}

/** Collect a repeatable flag's values in order: `--region a --region b` → `['a', 'b']`. */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value]
}

/** {@link collect} for a repeatable flag whose values are one of `choices`; otherwise a usage error. */
export function collectChoice(
  choices: readonly string[],
): (value: string, previous?: readonly string[]) => string[] {
  return (value, previous) => {
    if (!choices.includes(value)) {
      throw new InvalidArgumentError(`Allowed choices are ${choices.join(', ')}.`)
    }
    return collect(value, previous)
  }
}
