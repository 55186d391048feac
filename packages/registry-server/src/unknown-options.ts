/**
 * @internal Throw a `TypeError` naming every key of `options` that `known` does not list: an
 * option a server does not know is a mistake, never ignored (a misspelt `adminCredentials` would
 * start an open registry, a misspelt `tokenTtlSeconds` hand out tokens for the default 5 minutes).
 * `known` is a `Record` over the options' keys, so an option added to the type does not compile
 * until it is listed.
 *
 * @param owner what the options are of, e.g. `startLocalRegistry`, in the message
 */
export function refuseUnknownOptions(
  options: object,
  known: Readonly<Record<string, true>>,
  owner: string,
): void {
  const unknown = Object.keys(options).filter((key) => !Object.hasOwn(known, key))
  if (unknown.length === 0) return
  const names = unknown.map((key) => JSON.stringify(key)).join(', ')
  throw new TypeError(
    `unknown option${unknown.length > 1 ? 's' : ''} ${names} of ${owner}; its options are ${Object.keys(known).join(', ')}`,
  )
}
