/**
 * The names a package entry (`src/index.ts`) exports, read from its source: `export { a, type B }`
 * lists (the public name when renamed with `as`) and exported declarations. `export *` is
 * refused, because it would hide which names a package makes public.
 */
export function entryExports(source: string): string[] {
  if (/^export\s+\*/m.test(source)) throw new TypeError('export * hides the exported names')
  const names: string[] = []
  for (const [, list = ''] of source.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm)) {
    for (const item of list.split(',')) {
      const words = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
      const name = words.at(-1)?.trim()
      if (name) names.push(name)
    }
  }
  const declaration =
    /^export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|class|abstract\s+class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm
  for (const [, name = ''] of source.matchAll(declaration)) names.push(name)
  return names.sort()
}

/** The exported names a README never mentions as a whole word. */
export function undocumented(names: readonly string[], readme: string): string[] {
  return names.filter(
    (name) => !new RegExp(`(?<![\\w$])${escapeRegExp(name)}(?![\\w$])`).test(readme),
  )
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
