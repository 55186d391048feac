/**
 * Where in `value` any of `secrets` shows, as property paths (`error.cause.$response.body`); `[]`
 * when nowhere. Every own property is read, hidden (non-enumerable) and symbol-keyed ones too, and
 * the entries of forms, `Headers` and maps, at any depth: what a logger, a debugger or an error
 * reporter that reads an error in depth may print, not only what `util.inspect` shows by default.
 * Cycles are followed once.
 *
 * @example
 * ```ts
 * expect(whereSecretsAre(err, [secretAccessKey, sessionToken])).toEqual([])
 * ```
 */
export function whereSecretsAre(value: unknown, secrets: readonly string[]): string[] {
  const wanted = secrets.filter((secret) => secret !== '')
  const found: string[] = []
  const seen = new Set<unknown>()
  const visit = (v: unknown, path: string): void => {
    if (typeof v === 'string') {
      if (wanted.some((secret) => v.includes(secret))) found.push(path)
      return
    }
    if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v)) return
    seen.add(v)
    if (v instanceof URLSearchParams || v instanceof Headers || v instanceof Map) {
      for (const [key, item] of v.entries()) visit(item, `${path}<${String(key)}>`)
    }
    for (const key of Reflect.ownKeys(v)) visit(readProperty(v, key), `${path}.${String(key)}`)
  }
  visit(value, 'error')
  return found
}

// A getter may throw (a destroyed socket's, a revoked proxy's): that property holds nothing to read.
function readProperty(target: object, key: PropertyKey): unknown {
  try {
    return Reflect.get(target, key)
  } catch {
    return undefined
  }
}
