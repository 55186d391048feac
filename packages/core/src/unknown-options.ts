import type { ConfigIssue } from './errors.js'

/**
 * The options a function reads, as a `Record` over the keys of its options type, e.g.
 * `{ region: true, … } satisfies KnownOptions<AwsProviderOptions>`: an option added to the type
 * does not compile until it is listed, so the list cannot fall behind.
 */
export type KnownOptions<T> = Readonly<Record<keyof T, true>>

/**
 * Issues for the keys of `options` that `known` does not list, one per key, each naming the
 * function (`owner`, e.g. `"aws()"`) and what it does take: a misspelt `replicationRegions` must
 * be refused, not leave the replica regions out of every grant and revocation. A key set to
 * `undefined` counts as left out. Meant for a provider's options validation, whose other issues
 * it joins in one `INVALID_CONFIG`; options that are no object, or an array, give none.
 *
 * @param path where `options` sit in the caller's options, for nested ones (`clientConfig`): the
 *   issues' paths start with it
 *
 * @example
 * ```ts
 * unknownOptionIssues({ region: 'us-east-1', replicationRegion: ['eu-west-1'] }, KNOWN, 'aws()')
 * // [{ path: 'replicationRegion', message: 'is not an option of aws(); did you mean replicationRegions?' }]
 * ```
 */
export function unknownOptionIssues(
  options: object,
  known: Readonly<Record<string, true>> | readonly string[],
  owner: string,
  path = '',
): ConfigIssue[] {
  // Whether the options are an object at all (not null, not an array, whose indexes are no
  // misspellings) is the caller's first issue, not this one's.
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return []
  const names = Array.isArray(known) ? [...known] : Object.keys(known)
  return unknownKeys(options, names).map((key) => {
    const near = nearestName(key, names)
    const hint =
      near === undefined ? `its options are ${names.join(', ')}` : `did you mean ${near}?`
    return {
      path: path === '' ? key : `${path}.${key}`,
      message: `is not an option of ${owner}; ${hint}`,
    }
  })
}

/**
 * What is wrong with the first key of a value object (a cross-account access, say) that `known`
 * does not name, as a message fragment, or `undefined` when every key is known. A misspelt
 * field of a revocation (`accountId` for `accountIds`) would otherwise be ignored and the
 * revocation answered as done while the grant stays. A key set to `undefined` counts as left out.
 *
 * @example
 * ```ts
 * unknownFieldProblem({ type: 'aws', accountId: ['123456789012'] }, ['type', 'accountIds'])
 * // '"accountId" is not one of its fields; did you mean accountIds?'
 * ```
 */
export function unknownFieldProblem(value: object, known: readonly string[]): string | undefined {
  const [key] = unknownKeys(value, known)
  if (key === undefined) return undefined
  const near = nearestName(key, known)
  const hint = near === undefined ? `its fields are ${known.join(', ')}` : `did you mean ${near}?`
  // Quoted as JSON: a key may hold quotes or line breaks that would garble a plain message.
  return `${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key)} is not one of its fields; ${hint}`
}

/**
 * @internal The keys of `options` that `known` does not name. A key set to `undefined` counts as
 * left out: spreading optional values (`{ ...defaults, region: o.region }`) must not read as a
 * misspelling.
 */
export function unknownKeys(options: object, known: Iterable<string>): string[] {
  const names = new Set(known)
  const values = options as Readonly<Record<string, unknown>>
  return Object.keys(options).filter((key) => values[key] !== undefined && !names.has(key))
}

/**
 * @internal The first of `names` that `key` is likely a misspelling of (the same but for case, or
 * at most two edits apart), or `undefined`.
 */
export function nearestName(key: string, names: readonly string[]): string | undefined {
  return names.find((name) => isNear(key, name))
}

// --- Internal ---

/** Whether `a` is likely a misspelling of `b`: the same but for case, or two edits apart. */
function isNear(a: string, b: string): boolean {
  const x = a.toLowerCase()
  const y = b.toLowerCase()
  if (x === y) return true
  if (Math.abs(x.length - y.length) > 2) return false
  return editDistance(x, y) <= 2
}

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min(
        substitution,
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
      )
    }
    previous = current
  }
  return previous[b.length] as number
}
