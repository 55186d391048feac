import { describeValue } from './describe-value.js'
import type { ArtifactRegistryError } from './errors.js'
import { providerError } from './provider-error.js'

/**
 * @internal Check that the options argument of a contract method is a plain object holding only
 * the `allowed` fields, so that a mistake (a bare value, a misspelt field) is refused instead of
 * silently giving the defaults. `example` shows a valid argument in the message.
 *
 * @throws ArtifactRegistryError `INVALID_ARGUMENT`.
 */
export function checkOptionFields(
  options: unknown,
  allowed: readonly string[],
  example: string,
  platform: string,
): asserts options is Record<string, unknown> {
  // The tag, not the prototype, so that objects from another realm (vm, workers) still qualify.
  if (Object.prototype.toString.call(options) !== '[object Object]') {
    throw invalidArgument(
      platform,
      `options must be an object like ${example}, got ${describeValue(options)}`,
    )
  }
  const unknown = Object.keys(options as object).filter((key) => !allowed.includes(key))
  if (unknown.length > 0) {
    const fields = unknown.map((key) => JSON.stringify(key)).join(', ')
    const known =
      allowed.length === 1
        ? `the only option is ${allowed[0]}`
        : `the options are ${allowed.join(' and ')}`
    throw invalidArgument(
      platform,
      `unknown option${unknown.length > 1 ? 's' : ''} ${fields}: ${known}`,
    )
  }
}

/** @internal `INVALID_ARGUMENT` of `platform`. */
export function invalidArgument(platform: string, message: string): ArtifactRegistryError {
  return providerError(platform, 'INVALID_ARGUMENT', message)
}
